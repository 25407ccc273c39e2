"""Shared helpers of the QMP tests: start a target (QEMU or vireo-vmm),
talk to its socket line by line, normalise what may differ
between runs (timestamps, thread ids), and print TAP."""
import json
import os
import re
import select
import shutil
import socket
import subprocess
import tempfile
import time

UUID = "5c0e1d2a-8f3b-4c6d-9e7f-0a1b2c3d4e5f"
NAME = "qmpconf"


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, what, detail=None):
        self.n += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, what))
        if not cond:
            self.failed += 1
            for line in (detail or "").splitlines():
                print("# " + line)
        return cond

    def skip(self, what, why):
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, what, why))

    def done(self):
        print("1..%d" % self.n)
        return 1 if self.failed else 0


class Conn:
    """One client connection; lines are read with a deadline."""

    def __init__(self, path, timeout=5.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        deadline = time.time() + timeout
        while True:
            try:
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if time.time() > deadline:
                    raise
                time.sleep(0.005)
        self.buf = b""
        self.eof = False

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            # The server may drop us mid-message (oversized input) while we
            # are still writing; what it answered before is still readable.
            pass

    # 20 s: no case expects a timeout, so a long one costs nothing when the
    # target answers, and a loaded 2-CPU CI host can keep QEMU from
    # answering for seconds (seen once in "disconnect": QEMU serves one
    # client at a time and first writes query-qmp-schema to a closed socket).
    def readline(self, timeout=20.0):
        """One line without CRLF; None at EOF or on timeout."""
        deadline = time.time() + timeout
        while b"\n" not in self.buf:
            if self.eof:
                return None
            left = deadline - time.time()
            if left <= 0:
                return None
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                return None
            try:
                d = self.sock.recv(65536)
            except ConnectionResetError:
                d = b""
            if not d:
                self.eof = True
                continue
            self.buf += d
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode("utf-8", "replace")

    def at_eof(self, timeout=3.0):
        deadline = time.time() + timeout
        while not self.eof and time.time() < deadline:
            line = self.readline(max(0.0, deadline - time.time()))
            if line is None:
                break
            if not is_guest_event(line):
                self.buf = line.encode() + b"\n" + self.buf
                return False
        return self.eof and not self.buf

    def close(self):
        self.sock.close()


def is_guest_event(line):
    """Events the guest causes on its own schedule (SeaBIOS reboots with no
    boot device under QEMU) are not part of any command's transcript."""
    try:
        msg = json.loads(line)
    except ValueError:
        return False
    return isinstance(msg, dict) and "event" in msg and \
        isinstance(msg.get("data"), dict) and msg["data"].get("guest") is True


def normalise(line):
    line = re.sub(r'"timestamp": \{"seconds": \d+, "microseconds": \d+\}',
                  '"timestamp": {"seconds": S, "microseconds": U}', line)
    line = re.sub(r'"thread-id": \d+, "props"', '"thread-id": TID, "props"', line)
    line = re.sub(r'unix:[^",]*,server=on', 'unix:SOCKET,server=on', line)
    return line


def exchange(conn, text, replies=1, timeout=20.0):
    """Sends text (a str, or a list of chunks sent 50 ms apart) and returns
    the lines up to and including the replies'th non-event line; a missing
    reply shows as "<no reply>", the end of the stream as "<EOF>"."""
    chunks = text if isinstance(text, list) else [text]
    for i, c in enumerate(chunks):
        if i:
            time.sleep(0.05)
        conn.send(c)
    out = []
    got = 0
    while got < replies:
        line = conn.readline(timeout)
        if line is None:
            out.append("<EOF>" if conn.eof else "<no reply>")
            break
        line = line.rstrip("\r")
        if is_guest_event(line):
            continue
        out.append(normalise(line))
        try:
            msg = json.loads(line)
        except ValueError:
            msg = None
        if not (isinstance(msg, dict) and "event" in msg):
            got += 1
    return out


class Target:
    """A process serving QMP on a fresh socket."""

    def __init__(self, kind, argv, socks, workdir):
        self.kind = kind
        self.socks = socks
        self.workdir = workdir
        self.log = open(os.path.join(workdir, kind + ".log"), "wb")
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)

    def connect(self, i=0, timeout=10.0):
        sock = self.socks[i]
        deadline = time.time() + timeout
        while not os.path.exists(sock):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("%s did not create %s (exit %s): %s" %
                                   (self.kind, sock, self.proc.poll(), self.log_text()))
            time.sleep(0.002)
        return Conn(sock, timeout)

    def log_text(self):
        self.log.flush()
        with open(os.path.join(self.workdir, self.kind + ".log"), "rb") as f:
            return f.read().decode("utf-8", "replace")[-2000:]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def qmp_options(opt, socks):
    out = []
    for s in socks:
        out += [opt, "unix:%s,server=on,wait=off" % s]
    return out


def qemu_argv(socks):
    return ["qemu-system-x86_64", "-S", "-nodefaults", "-machine", "pc,accel=kvm",
            "-m", "128", "-display", "none", "-name", NAME, "-uuid", UUID] + \
        qmp_options("-qmp", socks)


def domain_xml(srcdir, kernel, devices=""):
    """tests/qmp/ticker.xml with the guest's path and extra devices."""
    with open(os.path.join(srcdir, "tests/qmp/ticker.xml"), encoding="utf-8") as f:
        xml = f.read().replace("@KERNEL@", kernel)
    if devices:
        xml = xml.replace("</domain>", "  <devices>\n%s  </devices>\n</domain>" % devices)
    return xml


def vireo_argv(vmm, xml_path, socks):
    return [vmm, "--domain", xml_path, "--paused"] + qmp_options("--qmp", socks)


def vireo_unavailable(builddir):
    """Why vireo-vmm cannot be used here, or None."""
    vmm = os.environ.get("VIREO_VMM") or os.path.join(builddir, "src/vireo-vmm")
    if not os.access(vmm, os.X_OK):
        return "vireo-vmm is not built yet (%s)" % vmm
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return "/dev/kvm is not usable"
    guest = os.path.join(builddir, "tests/qmp/ticker.elf")
    if not os.path.exists(guest):
        return "the ticker test guest is not built (%s)" % guest
    return None


def qemu_unavailable():
    if not shutil.which("qemu-system-x86_64"):
        return "qemu-system-x86_64 is not installed"
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return "/dev/kvm is not usable"
    return None


def make_workdir():
    return tempfile.mkdtemp(prefix="vireo-qmp-")
