"""A seeded, randomized lifecycle stress test of vireo-vmm over QMP.

Each round starts a real vireo-vmm on the ticker guest (tests/qmp/ticker.c,
which prints "tick N" on its serial port every 10 ms), paused (prelaunch)
or running, with two QMP sockets: client A (negotiated) on the first, B
(negotiated) and U (never negotiates) on the second. From a fixed seed it
runs a random sequence of steps: stop, cont, system_reset, the queries,
commands with wrong arguments, several commands in one write, a command
written in pieces, clients that connect mid-run (negotiating or not),
clients that leave in the middle of a message, and commands from U.

Besides one client at a time, several clients also write at once (the
same stop or cont, or queries whose answers do not depend on the order).
A model of the run state (QEMU 7.2's rules: docs/qmp.md, and the
"lifecycle" and "reset-while-stopped" cases of conformance.expected)
is checked after every step:

- every command gets exactly one reply, in order, with its id echoed;
- query-status agrees with the model;
- STOP/RESUME/RESET/POWERDOWN reach every negotiated client, in order,
  each before the reply of the command that caused it (and before any
  later reply on that client), and never reach a client that did not
  negotiate;
- the guest's serial output does not grow while the VM is stopped, and
  grows while it runs;
- vireo-vmm stays alive.

A round ends with quit (SHUTDOWN host-qmp-quit before the reply, exit 0;
commands written after quit get no reply) or with system_powerdown,
running or paused (POWERDOWN; the guest sees the ACPI power button once
it runs and powers off: SHUTDOWN guest-shutdown, exit 0). Then every
client sees the end of the stream, vireo-vmm's last line gives the
reason, the sockets are gone and there was no sanitizer report. Only
behaviour is checked, never how long something took; every read has a
deadline, so nothing hangs.

The model is QEMU's: two shorter rounds first run the same kind of
sequence (without clients coming and going: a QEMU socket serves one
client) against qemu-system-x86_64 on the same guest, where installed.

The seed is printed; VIREO_STRESS_SEED=N replays a run (each round draws
from its own generator, seeded from N and the round's number), and
VIREO_STRESS_STEPS sets the steps per round.

usage: stress.py SRCDIR BUILDDIR
"""
import json
import os
import random
import re
import select
import shutil
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qmpconf as q  # noqa: E402

DEFAULT_SEED = 7202
DEFAULT_STEPS = 150
QBOOT = "/usr/share/qemu/qboot.rom"
# Generous: no step expects silence, so a long deadline costs nothing when
# the VMM answers, and a loaded 2-CPU host under AddressSanitizer is slow.
READ_TIMEOUT = 15.0
NOID = object()             # a command sent without "id"
STOPPED = ("prelaunch", "paused")
NEED_ARGS_ERR = "QMP input member 'arguments' must be an object"
NOT_NEGOTIATED = "Expecting capabilities negotiation with 'qmp_capabilities'"
COMMANDS = {"qmp_capabilities", "query-version", "query-commands", "query-qmp-schema",
            "query-name", "query-uuid", "query-status", "stop", "cont",
            "system_powerdown", "system_reset", "quit", "query-cpus-fast", "query-kvm",
            "query-machines", "query-cpu-definitions", "query-chardev", "query-block",
            "query-vnc", "query-memory-size-summary"}


class Fail(Exception):
    """An invariant does not hold; the round stops there."""


def short(text, n=240):
    text = text if isinstance(text, str) else repr(text)
    return text if len(text) <= n else text[:n] + "...(%d bytes)" % len(text)


class Client:
    """One QMP connection, every read with a deadline."""

    def __init__(self, rnd, name, sock_index, negotiate):
        self.rnd = rnd
        self.name = name
        self.sock_index = sock_index
        self.conn = rnd.target.connect(sock_index)
        self.conn.sock.settimeout(READ_TIMEOUT)     # sendall never blocks for ever
        self.negotiated = False
        self.expect = []        # [(seq, event, data)] still to arrive, in order
        self.replies = []       # [(seq, id, check)] still to arrive, in order
        greeting = self.read_msg("the greeting")
        if not (isinstance(greeting, dict) and
                greeting.get("QMP", {}).get("capabilities") == ["oob"]):
            raise Fail("%s: not a QMP greeting: %s" % (name, short(json.dumps(greeting))))
        if negotiate:
            self.command(Cmd("qmp_capabilities", '{"execute": "qmp_capabilities"%s}',
                             rnd.new_id(), cmd_negotiate))

    def send(self, data, what):
        self.rnd.log("%s> %s" % (self.name, short(data.replace("\r", "\\r")
                                                  .replace("\n", "\\n"))))
        try:
            self.conn.sock.sendall(data.encode("utf-8"))
        except socket.timeout:
            raise Fail("%s: vireo-vmm did not take %s within %d s" %
                       (self.name, what, READ_TIMEOUT))
        except OSError as e:
            raise Fail("%s: cannot send %s: %r" % (self.name, what, e))

    def read_msg(self, what):
        line = self.conn.readline(READ_TIMEOUT)
        if line is None:
            raise Fail("%s: %s while waiting for %s" % (
                self.name, "the connection ended" if self.conn.eof else
                "nothing came within %d s" % READ_TIMEOUT, what))
        self.rnd.log("%s< %s" % (self.name, short(line.rstrip("\r"))))
        if not line.endswith("\r"):
            raise Fail("%s: a line without CRLF: %s" % (self.name, short(line)))
        try:
            return json.loads(line)
        except ValueError:
            raise Fail("%s: not JSON: %s" % (self.name, short(line)))

    def on_event(self, msg):
        if not self.negotiated:
            raise Fail("%s never negotiated but got an event: %s" % (self.name, msg))
        ts = msg.get("timestamp")
        if not (isinstance(ts, dict) and isinstance(ts.get("seconds"), int) and
                isinstance(ts.get("microseconds"), int)):
            raise Fail("%s: event without a proper timestamp: %s" % (self.name, msg))
        if not self.expect:
            raise Fail("%s: an event nothing caused: %s" % (self.name, msg))
        seq, event, data = self.expect.pop(0)
        got = (msg.get("event"), msg.get("data"))
        if got != (event, data):
            raise Fail("%s: expected event %s %s (from step %d), got %s" %
                       (self.name, event, data, seq, msg))

    def read_reply(self):
        """Reads up to the next reply and checks it against the oldest
        command still unanswered; events on the way must be the expected
        ones, and every event caused up to that command must have come."""
        seq, cid, check = self.replies[0]
        while True:
            msg = self.read_msg("the reply to step %d (id %s)" %
                                (seq, "none" if cid is NOID else json.dumps(cid)))
            if isinstance(msg, dict) and "event" in msg:
                self.on_event(msg)
                continue
            break
        self.replies.pop(0)
        if not isinstance(msg, dict) or ("return" in msg) == ("error" in msg):
            raise Fail("%s: not a reply: %s" % (self.name, msg))
        if cid is NOID:
            if "id" in msg:
                raise Fail("%s: reply to a command without id has one: %s" % (self.name, msg))
        elif "id" not in msg or msg["id"] != cid:
            raise Fail("%s: reply with id %s where step %d's id %s was due: %s" % (
                self.name, json.dumps(msg.get("id")), seq, json.dumps(cid), msg))
        late = [e for e in self.expect if e[0] <= seq]
        if late:
            raise Fail("%s: the reply of step %d came before event(s) %s it caused" %
                       (self.name, seq, late))
        try:
            check(msg)
        except Fail as e:
            raise Fail("%s: step %d: %s" % (self.name, seq, e))
        return msg

    def command(self, cmd):
        """Sends one command and reads its reply."""
        self.send(cmd.text() + self.rnd.rng.choice(["\n", "\r\n", ""]), cmd.name)
        self.rnd.apply(self, cmd)
        return self.read_reply()

    def drain(self):
        """Reads every expected event still due, without sending."""
        while self.expect:
            msg = self.read_msg("event %s" % (self.expect[0],))
            if not (isinstance(msg, dict) and "event" in msg):
                raise Fail("%s: a reply nobody asked for: %s" % (self.name, msg))
            self.on_event(msg)

    def nothing_pending(self):
        """No byte is waiting (after a sync, anything would be extra)."""
        if self.conn.buf:
            raise Fail("%s: extra output: %s" % (self.name, short(self.conn.buf)))
        r, _, _ = select.select([self.conn.sock], [], [], 0)
        if r:
            data = self.conn.sock.recv(65536)
            if data:
                raise Fail("%s: extra output: %s" % (self.name, short(data)))
            raise Fail("%s: the connection ended" % self.name)

    def at_eof(self):
        """The stream ends here, with nothing more in it."""
        line = self.conn.readline(READ_TIMEOUT)
        if line is not None:
            raise Fail("%s: more after the end: %s" % (self.name, short(line)))
        if not self.conn.eof:
            raise Fail("%s: the connection stays open %d s after the end" %
                       (self.name, READ_TIMEOUT))
        if self.conn.buf:
            raise Fail("%s: half a line at the end: %s" % (self.name, short(self.conn.buf)))

    def close(self):
        self.conn.close()


class Cmd:
    """A command: its text (with %s where the id goes), its id and what it
    does to the model (a function of the round returning the reply check)."""

    def __init__(self, name, template, cid, effect):
        self.name = name
        self.template = template
        self.cid = cid
        self.effect = effect

    def text(self):
        return self.template % ("" if self.cid is NOID else ', "id": %s' % json.dumps(self.cid))


# ---- reply checks -----------------------------------------------------------

def want_return(value):
    def check(msg):
        if msg.get("return") != value:
            raise Fail("expected return %s, got %s" % (json.dumps(value), short(json.dumps(msg))))
    return check


def want_error(cls, desc):
    def check(msg):
        err = msg.get("error")
        if err != {"class": cls, "desc": desc}:
            raise Fail("expected error %s '%s', got %s" % (cls, desc, short(json.dumps(msg))))
    return check


def want_parse_error(msg):
    err = msg.get("error") or {}
    if err.get("class") != "GenericError" or not err.get("desc", "").startswith("JSON parse error"):
        raise Fail("expected a JSON parse error, got %s" % short(json.dumps(msg)))


# ---- effects on the model (each returns the reply check) ----------------------

def cmd_negotiate(rnd, client):
    client.negotiated = True
    return want_return({})


def cmd_stop(rnd, client):
    if rnd.state == "running":
        rnd.state = "paused"
        rnd.emit("STOP")
    return want_return({})


def cmd_cont(rnd, client):
    if rnd.state in STOPPED:
        rnd.state = "running"
        rnd.ran = True
        rnd.emit("RESUME")
    return want_return({})


def cmd_reset(rnd, client):
    rnd.emit("RESET", {"guest": False, "reason": "host-qmp-system-reset"})
    rnd.reset_pending = True
    if rnd.state != "running":      # QEMU: a reset of a stopped VM is prelaunch
        rnd.state = "prelaunch"
    return want_return({})


def cmd_quit(rnd, client):
    rnd.emit("SHUTDOWN", {"guest": False, "reason": "host-qmp-quit"})
    return want_return({})


def cmd_powerdown(rnd, client):
    rnd.emit("POWERDOWN")
    return want_return({})


def cmd_status(rnd, client):
    return want_return({"status": rnd.state, "singlestep": False,
                        "running": rnd.state == "running"})


def cmd_cpus(rnd, client):
    pid = rnd.target.proc.pid

    def check(msg):
        ret = msg.get("return")
        if not (isinstance(ret, list) and len(ret) == 1 and isinstance(ret[0], dict)):
            raise Fail("query-cpus-fast: %s" % short(json.dumps(msg)))
        cpu = dict(ret[0])
        tid = cpu.pop("thread-id", None)
        want = {"props": {"core-id": 0, "thread-id": 0, "socket-id": 0},
                "qom-path": "/machine/unattached/device[0]", "cpu-index": 0,
                "target": "x86_64"}
        if cpu != want:
            raise Fail("query-cpus-fast: %s" % short(json.dumps(msg)))
        if not (isinstance(tid, int) and os.path.exists("/proc/%d/task/%d" % (pid, tid))):
            raise Fail("query-cpus-fast: thread-id %s is no thread of vireo-vmm" % tid)
        if rnd.vcpu_tid is None:
            rnd.vcpu_tid = tid
        elif tid != rnd.vcpu_tid:
            raise Fail("query-cpus-fast: the vCPU's thread changed from %d to %d" %
                       (rnd.vcpu_tid, tid))
    return check


def cmd_chardev(rnd, client):
    def check(msg):
        ret = msg.get("return")
        if not isinstance(ret, list):
            raise Fail("query-chardev: %s" % short(json.dumps(msg)))
        got = {d.get("label"): d for d in ret if isinstance(d, dict)}
        serial = "serial0" if rnd.qemu else "charserial0"
        want = {serial: {"label": serial, "filename": "file", "frontend-open": True}}
        # A on the first socket, B and U on the second, all along.
        for i, path in enumerate(rnd.socks):
            want["compat_monitor%d" % i] = {"label": "compat_monitor%d" % i,
                                            "filename": "unix:%s,server=on" % path,
                                            "frontend-open": True}
        if got != want or len(ret) != len(want):
            raise Fail("query-chardev: %s, expected %s" % (short(json.dumps(ret), 600),
                                                          json.dumps(list(want.values()))))
    return check


def cmd_commands(rnd, client):
    def check(msg):
        ret = msg.get("return")
        names = {c.get("name") for c in ret} if isinstance(ret, list) else set()
        if (not COMMANDS <= names) if rnd.qemu else \
                (names != COMMANDS or len(ret) != len(COMMANDS)):
            raise Fail("query-commands: %s" % short(json.dumps(msg), 600))
    return check


def cmd_schema(rnd, client):
    def check(msg):
        ret = msg.get("return")
        if not isinstance(ret, list) or not all(
                isinstance(e, dict) and "name" in e and "meta-type" in e for e in ret):
            raise Fail("query-qmp-schema: %s" % short(json.dumps(msg)))
        cmds = {e["name"] for e in ret if e["meta-type"] == "command"}
        events = {e["name"] for e in ret if e["meta-type"] == "event"}
        if not (COMMANDS <= cmds if rnd.qemu else COMMANDS == cmds) or \
                not {"STOP", "RESUME", "RESET", "SHUTDOWN", "POWERDOWN"} <= events:
            raise Fail("query-qmp-schema: commands %s, events %s" % (sorted(cmds),
                                                                     sorted(events)))
    return check


def fixed(value):
    return lambda rnd, client: want_return(value)


def error(cls, desc):
    return lambda rnd, client: want_error(cls, desc)


def parse_error(rnd, client):
    return want_parse_error


QUERIES = [
    (12, "query-status", '{"execute": "query-status"%s}', cmd_status),
    (4, "query-cpus-fast", '{"execute": "query-cpus-fast"%s}', cmd_cpus),
    (4, "query-kvm", '{"execute": "query-kvm"%s}', fixed({"enabled": True, "present": True})),
    (4, "query-name", '{"execute": "query-name"%s}', fixed({"name": "qmpconf"})),
    (4, "query-chardev", '{"execute": "query-chardev"%s}', cmd_chardev),
    (4, "query-memory-size-summary", '{"execute": "query-memory-size-summary"%s}',
     fixed({"base-memory": 134217728, "plugged-memory": 0})),
    (2, "query-commands", '{"execute": "query-commands"%s}', cmd_commands),
    (0.4, "query-qmp-schema", '{"execute": "query-qmp-schema"%s}', cmd_schema),
]
LIFECYCLE = [
    (10, "stop", '{"execute": "stop"%s}', cmd_stop),
    (10, "cont", '{"execute": "cont"%s}', cmd_cont),
    (5, "system_reset", '{"execute": "system_reset"%s}', cmd_reset),
]
# Wrong arguments and other refused messages; a refused lifecycle command
# changes nothing. Texts as QEMU 7.2 gives them (checked against it).
WRONG = [
    (2, "stop (bad argument)", '{"execute": "stop", "arguments": {"force": true}%s}',
     error("GenericError", "Parameter 'force' is unexpected")),
    (2, "cont (arguments [])", '{"execute": "cont", "arguments": []%s}',
     error("GenericError", NEED_ARGS_ERR)),
    (2, "system_reset (arguments null)", '{"execute": "system_reset", "arguments": null%s}',
     error("GenericError", NEED_ARGS_ERR)),
    (1, "query-status (bad argument)", '{"execute": "query-status", "arguments": {"x": 1}%s}',
     error("GenericError", "Parameter 'x' is unexpected")),
    (1, "query-cpus-fast (bad argument)",
     '{"execute": "query-cpus-fast", "arguments": {"x": [1]}%s}',
     error("GenericError", "Parameter 'x' is unexpected")),
    (1, "query-kvm (extra member)", '{"execute": "query-kvm", "extra": 1%s}',
     error("GenericError", "QMP input member 'extra' is unexpected")),
    (1, "execute not a string", '{"execute": 5%s}',
     error("GenericError", "QMP input member 'execute' must be a string")),
    (1, "no execute", '{"arguments": {}%s}',
     error("GenericError", "QMP input lacks member 'execute'")),
    (1, "qmp_capabilities (enable not a list)",
     '{"execute": "qmp_capabilities", "arguments": {"enable": "oob"}%s}',
     error("GenericError", "Invalid parameter type for 'enable', expected: array")),
    (1, "qmp_capabilities again", '{"execute": "qmp_capabilities"%s}',
     error("CommandNotFound", "Capabilities negotiation is already complete, command ignored")),
    (1, "unknown command", '{"execute": "no-such-command"%s}',
     error("CommandNotFound", "The command no-such-command has not been found")),
]


class Round:
    """One vireo-vmm from start to end, driven from one generator."""

    def __init__(self, tap, srcdir, builddir, workdir, number, seed, steps, start, end,
                 qemu=False):
        self.tap = tap
        self.number = number
        self.rng = random.Random(seed * 1000 + number)
        self.steps = steps
        self.start, self.end = start, end
        self.qemu = qemu
        self.who = "qemu-system-x86_64" if qemu else "vireo-vmm"
        self.label = "%sround %d (%s start, ends with %s)" % (
            "qemu: " if qemu else "", number,
            "paused" if start == "prelaunch" else "running", end)
        self.state = start
        self.seq = 0
        self.ids = 0
        self.clients = []           # every open connection but the leaving ones
        self.transcript = []
        self.ran = False            # cont seen in this step
        self.reset_pending = False
        self.boot_mark = 0          # serial offset where the latest boot's output starts
        self.frozen = None          # serial size when the vCPUs last stopped
        self.vcpu_tid = None
        self.counts = {}
        tag = "%s-stress-%d" % ("qemu" if qemu else "vireo", number)
        self.serial = os.path.join(workdir, tag + "-serial.log")
        # QEMU serves one client per socket: A, B and U get one each there.
        self.socks = [os.path.join(workdir, "%s-%d.sock" % (tag, i))
                      for i in range(3 if qemu else 2)]
        elf = os.path.join(builddir, "tests/qmp/ticker.elf")
        cmdline = "nopowerbtn" if end == "quit" else ""
        if qemu:
            argv = ["qemu-system-x86_64", "-nodefaults", "-machine", "pc,accel=kvm",
                    "-m", "128", "-display", "none", "-name", q.NAME, "-bios", QBOOT,
                    "-kernel", elf, "-append", cmdline, "-serial", "file:" + self.serial] + \
                (["-S"] if start == "prelaunch" else []) + q.qmp_options("-qmp", self.socks)
            self.target = q.Target(tag, argv, self.socks, workdir)
            return
        xml = os.path.join(workdir, tag + ".xml")
        serial = ("    <serial type='file'>\n      <source path='%s'/>\n"
                  "      <target port='0'/>\n    </serial>\n" % self.serial)
        with open(xml, "w") as f:
            f.write(q.domain_xml(srcdir, elf, serial)
                    .replace("<cmdline>nopowerbtn</cmdline>", "<cmdline>%s</cmdline>" % cmdline))
        vmm = os.environ.get("VIREO_VMM") or os.path.join(builddir, "src/vireo-vmm")
        argv = [vmm, "--domain", xml] + (["--paused"] if start == "prelaunch" else []) + \
            q.qmp_options("--qmp", self.socks)
        self.target = q.Target(tag, argv, self.socks, workdir)

    # ---- bookkeeping --------------------------------------------------------

    def log(self, text):
        self.transcript.append(text)
        del self.transcript[:-40]

    def new_id(self):
        self.ids += 1
        n = self.ids
        form = self.rng.random()
        if form < 0.08:
            return NOID
        if form < 0.5:
            return n
        if form < 0.8:
            return "r%d-%d" % (self.number, n)
        if form < 0.9:
            return {"n": n, "r": [self.number, True, None]}
        return [n, "x\u00e9\t"]

    def negotiated(self):
        return [c for c in self.clients if c.negotiated]

    def emit(self, event, data=None):
        """The command being applied causes event: every negotiated client
        gets it, before that command's reply."""
        for c in self.negotiated():
            c.expect.append((self.seq, event, data))

    def apply(self, client, cmd):
        """The model runs cmd (sent by client) now; its reply is due."""
        self.seq += 1
        self.counts[cmd.name] = self.counts.get(cmd.name, 0) + 1
        check = cmd.effect(self, client)
        client.replies.append((self.seq, cmd.cid, check))

    def serial_size(self):
        try:
            return os.path.getsize(self.serial)
        except FileNotFoundError:
            return 0

    def serial_text(self, start=0):
        try:
            with open(self.serial, "rb") as f:
                f.seek(start)
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def alive(self):
        rc = self.target.proc.poll()
        if rc is not None:
            raise Fail("%s exited (status %s) in the middle of the run" % (self.who, rc))

    def after_step(self):
        """Invariants that hold between steps."""
        self.alive()
        if self.reset_pending:      # the reset is done: what follows is the new boot's
            self.boot_mark = self.serial_size()
            self.reset_pending = False
        if self.state == "running":
            self.frozen = None
        elif self.frozen is None or self.ran:
            self.frozen = self.serial_size()
        elif self.serial_size() != self.frozen:
            raise Fail("the guest printed while the VM was %s: serial output grew from "
                       "%d to %d bytes: %s" % (self.state, self.frozen, self.serial_size(),
                                               short(self.serial_text(self.frozen))))
        self.ran = False

    # ---- what a step can do ---------------------------------------------------

    def pick(self, table):
        weights = [w for w, *_ in table]
        _, name, template, effect = self.rng.choices(table, weights)[0]
        return Cmd(name, template, self.new_id(), effect)

    def random_cmd(self, lifecycle_weight=1.0):
        r = self.rng.random()
        if r < 0.45 * lifecycle_weight:
            return self.pick(LIFECYCLE)
        if r < 0.45 * lifecycle_weight + 0.12:
            return self.pick(WRONG)
        if self.end == "quit" and self.rng.random() < 0.04:
            # the guest ignores the button (nopowerbtn) in these rounds
            return Cmd("system_powerdown", '{"execute": "system_powerdown"%s}',
                       self.new_id(), cmd_powerdown)
        return self.pick(QUERIES)

    def someone(self):
        return self.rng.choice(self.negotiated())

    def step_one(self):
        self.someone().command(self.random_cmd())

    def step_batch(self):
        """Several commands in one write; replies and events in order."""
        c = self.someone()
        cmds = [self.random_cmd() for _ in range(self.rng.randint(2, 5))]
        if self.rng.random() < 0.2:     # a malformed one among them: no id in its reply
            cmds.insert(self.rng.randrange(len(cmds) + 1),
                        Cmd("malformed", '{"execute": foo%s}', NOID, parse_error))
        seps = ["", "\n", "\r\n", " \t", "\n\n"]
        text = "".join(x.text() + self.rng.choice(seps) for x in cmds)
        c.send(text + "\n", "a batch of %d commands" % len(cmds))
        for x in cmds:
            self.apply(c, x)
        for _ in cmds:
            c.read_reply()

    def step_split(self):
        """One command written in pieces."""
        c = self.someone()
        cmd = self.random_cmd()
        text = cmd.text() + "\n"
        cuts = sorted(self.rng.sample(range(1, len(text)), min(3, len(text) - 1)))
        pieces = [text[i:j] for i, j in zip([0] + cuts, cuts + [len(text)])]
        for i, p in enumerate(pieces):
            if i:
                time.sleep(self.rng.choice([0, 0.001, 0.005]))
            c.send(p, "a piece of %s" % cmd.name)
        self.apply(c, cmd)
        c.read_reply()

    def step_unnegotiated(self):
        """A client that never negotiated: every command is refused, the
        lifecycle ones change nothing, and it never sees an event."""
        u = self.rng.choice([c for c in self.clients if not c.negotiated])
        name = self.rng.choice(["stop", "cont", "system_reset", "query-status", "quit",
                                "no-such-command"])
        cmd = Cmd(name + " (not negotiated)", '{"execute": "%s"%%s}' % name,
                  self.new_id(), error("CommandNotFound", NOT_NEGOTIATED))
        u.command(cmd)

    def step_new_client(self):
        """Someone connects mid-run; it may negotiate and stay a while."""
        if len(self.clients) >= 6:
            return self.step_close_client()
        negotiate = self.rng.random() < 0.6
        self.counts["new client"] = self.counts.get("new client", 0) + 1
        c = Client(self, "N%d" % self.ids, self.rng.randrange(2), negotiate)
        self.clients.append(c)
        if negotiate and self.rng.random() < 0.5:
            c.command(self.random_cmd())

    def step_close_client(self):
        """A client that joined mid-run leaves (between messages)."""
        extra = [c for c in self.clients if c.name.startswith("N")]
        if not extra:
            return self.step_new_client()
        c = self.rng.choice(extra)
        if c.negotiated and self.rng.random() < 0.5:
            c.drain()
        c.close()
        self.clients.remove(c)
        self.log("%s closed" % c.name)

    def step_leave_mid_message(self):
        """A client leaves in the middle of a message, in one of several ways."""
        self.counts["left mid-message"] = self.counts.get("left mid-message", 0) + 1
        how = self.rng.randrange(4)
        partial = self.rng.choice(['{"execute": "qmp_capa', '{"execute": "st',
                                   '{"execute": "cont", "id": "x', '{"exec',
                                   '{"execute": "system_reset", "arguments": {'])
        if how == 0:
            # Connects, reads nothing, writes half a message and leaves.
            conn = self.target.connect(self.rng.randrange(2))
            conn.send(partial)
            conn.close()
            self.log("L: half a message, then gone")
            return
        c = Client(self, "L%d" % self.ids, self.rng.randrange(2), how != 1)
        self.clients.append(c)
        if how == 1:
            # Never negotiated: half a message and gone.
            c.send(partial, "half a message")
        elif how == 2:
            # A whole command and half of the next one; it reads the reply
            # to the first (so the model knows it ran), then leaves.
            cmd = self.random_cmd()
            c.send(cmd.text() + "\n" + partial, "a command and half of the next")
            self.apply(c, cmd)
            c.read_reply()
        else:
            # A whole command, half of the next, and gone without reading:
            # the VMM writes the reply to a closed socket. What the command
            # caused reaches the others; A waits for it, so the model stays
            # in step. A query-qmp-schema is a big reply to nobody.
            # Only commands whose effect is either seen (an event) or nil:
            # a stop or cont that does nothing now could run after the
            # next step's command, where it would do something.
            cmd = self.random_cmd(lifecycle_weight=1.5)
            if (cmd.name == "stop" and self.state != "running") or \
                    (cmd.name == "cont" and self.state == "running"):
                cmd = self.pick(QUERIES)
            if self.rng.random() < 0.15:
                cmd = Cmd("query-qmp-schema", '{"execute": "query-qmp-schema"%s}',
                          self.new_id(), cmd_schema)
            c.send(cmd.text() + "\n" + partial, "a command, half of the next, then gone")
            self.clients.remove(c)
            c.close()
            self.log("%s gone" % c.name)
            self.apply(c, cmd)
            for o in self.negotiated():
                o.drain()
            return
        self.clients.remove(c)
        c.close()
        self.log("%s gone" % c.name)

    def step_concurrent(self):
        """Several clients write at once, without waiting for each other:
        the same stop or cont (the first the VMM reads does it, the others
        find it done) or queries whose answer does not depend on the order.
        Whichever order the VMM takes them in, the one event reaches every
        negotiated client before any of these replies."""
        senders = self.rng.sample(self.negotiated(), min(len(self.negotiated()),
                                                         self.rng.randint(2, 3)))
        kind = self.rng.choice(["stop", "cont", "queries"])
        order_free = [x for x in QUERIES if x[1] != "query-status"]
        cmds = []
        for _ in senders:
            if kind == "queries":
                cmds.append(self.pick(order_free))
            else:
                cmds.append(Cmd(kind, '{"execute": "%s"%%s}' % kind, self.new_id(),
                                cmd_stop if kind == "stop" else cmd_cont))
        writes = [(c, x.text() + "\n") for c, x in zip(senders, cmds)]
        if self.rng.random() < 0.5:
            u = self.rng.choice([c for c in self.clients if not c.negotiated])
            ux = Cmd("stop (not negotiated)", '{"execute": "stop"%s}', self.new_id(),
                     error("CommandNotFound", NOT_NEGOTIATED))
            writes.append((u, ux.text() + "\n"))
            cmds.append(ux)
            senders = senders + [u]
        for c, text in writes:
            c.send(text, "one of several concurrent commands")
        self.seq += 1
        for c, x in zip(senders, cmds):
            self.counts[x.name] = self.counts.get(x.name, 0) + 1
            c.replies.append((self.seq, x.cid, x.effect(self, c)))
        for c in senders:
            c.read_reply()

    def step_progress(self):
        """While running, the guest's serial output grows (any amount, no
        deadline but the read timeout); while stopped it must not, which
        after_step checks after every step: here some time passes first."""
        self.log("(the guest's output: %d bytes)" % self.serial_size())
        if self.state == "running":
            size = self.serial_size()
            deadline = time.time() + READ_TIMEOUT
            while self.serial_size() <= size:
                self.alive()
                if time.time() > deadline:
                    raise Fail("the guest printed nothing in %d s while running: %s" %
                               (READ_TIMEOUT, short(self.serial_text(max(0, size - 200)))))
                time.sleep(0.005)
        else:
            time.sleep(0.03)        # three ticks' worth

    def step_sync(self):
        """Every client answers a query-status: the events due before it
        all came, and nothing else is waiting."""
        for c in list(self.clients):
            if c.negotiated:
                c.command(Cmd("query-status", '{"execute": "query-status"%s}',
                              self.new_id(), cmd_status))
            else:
                c.command(Cmd("query-status (not negotiated)",
                              '{"execute": "query-status"%s}', self.new_id(),
                              error("CommandNotFound", NOT_NEGOTIATED)))
            c.nothing_pending()

    STEPS = [(40, step_one), (7, step_batch), (4, step_split), (4, step_unnegotiated),
             (3, step_new_client), (2, step_close_client), (4, step_leave_mid_message),
             (5, step_progress), (3, step_sync), (4, step_concurrent)]

    # ---- the round ------------------------------------------------------------

    def begin(self):
        self.clients.append(Client(self, "A", 0, True))
        self.clients.append(Client(self, "B", 1, True))
        self.clients.append(Client(self, "U", 2 if self.qemu else 1, False))
        # A VM started running may have emitted nothing: RESUME of the
        # start goes out before any client is there.
        self.someone().command(Cmd("query-status", '{"execute": "query-status"%s}',
                                   self.new_id(), cmd_status))
        self.after_step()

    # Under QEMU, whose sockets serve one client each, no client comes or goes.
    COMINGS_AND_GOINGS = (step_new_client, step_close_client, step_leave_mid_message)

    def run_steps(self):
        steps = [(w, f) for w, f in self.STEPS
                 if not (self.qemu and f in self.COMINGS_AND_GOINGS)]
        weights = [w for w, _ in steps]
        for i in range(self.steps):
            self.log("-- step %d, state %s" % (i, self.state))
            fn = self.rng.choices([f for _, f in steps], weights)[0]
            fn(self)
            self.after_step()
        self.step_sync()
        self.after_step()

    def wait_booted(self):
        """The latest boot printed a tick: it has enabled the power button
        (the ticker does that first), so a press is not lost."""
        deadline = time.time() + READ_TIMEOUT
        while not re.search(r"tick \d+\r?\n", self.serial_text(self.boot_mark)):
            self.alive()
            if time.time() > deadline:
                raise Fail("the guest did not tick within %d s of starting: %s" %
                           (READ_TIMEOUT, short(self.serial_text(self.boot_mark))))
            time.sleep(0.01)

    def finish(self):
        """quit or system_powerdown; returns the expected final stderr text."""
        if self.end == "quit":
            c = self.someone()
            self.log("-- quit, state %s" % self.state)
            quit = Cmd("quit", '{"execute": "quit"%s}', self.new_id(), cmd_quit)
            # Commands written after quit, in the same write or by another
            # client once quit was answered, are never answered (QEMU
            # leaves its main loop first): check_end sees no reply.
            after = [self.random_cmd() for _ in range(self.rng.choice([0, 0, 1, 3]))]
            c.send("".join(x.text() + "\n" for x in [quit] + after),
                   "quit and %d more" % len(after))
            self.apply(c, quit)
            c.read_reply()
            others = [o for o in self.clients if o is not c]
            if self.rng.random() < 0.5:
                o = self.rng.choice(others)
                self.log("%s> (after quit) query-status" % o.name)
                o.conn.send('{"execute": "query-status", "id": "after-quit"}\n')
            return "quit requested over QMP"
        self.log("-- powerdown, state %s" % self.state)
        if self.state != "running":
            self.someone().command(Cmd("cont", '{"execute": "cont"%s}', self.new_id(), cmd_cont))
            self.after_step()
        self.wait_booted()
        paused = self.rng.random() < 0.5
        if paused:
            # Pressed while paused: nothing happens until cont.
            self.someone().command(Cmd("stop", '{"execute": "stop"%s}', self.new_id(), cmd_stop))
            self.after_step()
        self.someone().command(Cmd("system_powerdown", '{"execute": "system_powerdown"%s}',
                                   self.new_id(), cmd_powerdown))
        self.after_step()
        if paused:
            self.step_progress()
            self.after_step()
            self.someone().command(Cmd("query-status", '{"execute": "query-status"%s}',
                                       self.new_id(), cmd_status))
            self.someone().command(Cmd("cont", '{"execute": "cont"%s}', self.new_id(), cmd_cont))
        # The guest powers off on its own: SHUTDOWN to every negotiated client.
        self.seq += 1
        self.emit("SHUTDOWN", {"guest": True, "reason": "guest-shutdown"})
        return "guest poweroff"

    def check_end(self):
        """Every client: the events still due, then the end of the stream;
        the process exits 0 with the reason; the sockets are gone."""
        for c in self.clients:
            c.drain()
            c.at_eof()
        try:
            rc = self.target.proc.wait(READ_TIMEOUT)
        except Exception:
            raise Fail("%s is still running %d s after the end" % (self.who, READ_TIMEOUT))
        return rc

    def run(self):
        """Returns whether every check passed. The VMM never outlives
        the round, whatever happens to the test (a closed stdout, ^C)."""
        try:
            return self.run_checks()
        finally:
            self.target.stop()

    def run_checks(self):
        ok = self.tap.ok
        failed = self.tap.failed
        what = self.label
        rc = None
        try:
            self.begin()
            self.run_steps()
            reason = self.finish()
            rc = self.check_end()
            steps = sum(self.counts.values())
            ok(True, "%s: %d commands, every invariant held" % (what, steps),
               None)
            print("# %s: %s" % (what, ", ".join("%s %d" % kv for kv in sorted(self.counts.items()))))
        except Exception as e:      # Fail, or the test's own error
            rc = self.target.proc.poll()
            ok(False, "%s: %s" % (what, short(str(e) if isinstance(e, Fail) else repr(e), 160)),
               "%s\nreplay: VIREO_STRESS_SEED=%s\n%s: %s\nlast exchanges:\n%s\n"
               "its output:\n%s" %
               (e if isinstance(e, Fail) else repr(e), self.seed_text, self.who,
                "running" if rc is None else "exited with status %s" % rc,
                "\n".join(self.transcript), self.target.log_text()))
            self.target.stop()
            return False
        finally:
            for c in self.clients:
                c.close()
        log = self.target.log_text()
        ok(rc == 0, "%s: it exits 0" % what, "status %s:\n%s" % (rc, log))
        if self.end == "powerdown":
            ok("ticker: power button" in self.serial_text(),
               "%s: the guest saw the power button" % what, self.serial_text()[-500:])
        boots = re.findall(r"ticker: ready \(.*?\)", self.serial_text())
        # How many boots got as far as their first line depends on timing
        # (a guest reset or stopped again at once prints nothing).
        ok(all("bss zero at entry" in b for b in boots),
           "%s: every boot's .bss was zero at entry (%d boots printed)" % (what, len(boots)),
           "\n".join(boots))
        self.target.stop()
        if self.qemu:
            return self.tap.failed == failed
        last = log.strip().splitlines()[-1] if log.strip() else ""
        ok(last == "vireo-vmm: domain 'qmpconf' stopped: %s" % reason,
           "%s: its last line says why it ended" % what, log)
        sanitizer = [x for x in log.splitlines()
                     if "Sanitizer" in x or "runtime error:" in x]
        ok(not sanitizer, "%s: no sanitizer report" % what, log)
        left = [s for s in self.socks if os.path.exists(s)]
        ok(not left, "%s: the sockets are removed" % what, " ".join(left))
        return self.tap.failed == failed


def main():
    srcdir, builddir = sys.argv[1], sys.argv[2]
    tap = q.Tap()
    why = q.vireo_unavailable(builddir)
    if why:
        tap.skip("vireo-vmm: QMP stress", why)
        return tap.done()
    seed_text = os.environ.get("VIREO_STRESS_SEED") or str(DEFAULT_SEED)
    seed = int(seed_text)
    steps = int(os.environ.get("VIREO_STRESS_STEPS") or DEFAULT_STEPS)
    print("# seed %d (VIREO_STRESS_SEED=%d replays it), %d steps a round" % (seed, seed, steps))
    workdir = q.make_workdir()
    passed = True
    rounds = [("prelaunch", "quit"), ("running", "powerdown"),
              ("prelaunch", "powerdown"), ("running", "quit")]
    # The model is QEMU 7.2's: first two shorter rounds check it against
    # QEMU itself (with qboot, as tests/qmp/guest.py runs the ticker).
    why = q.qemu_unavailable() or (None if os.path.exists(QBOOT) else QBOOT + " is missing")
    for i, (start, end) in enumerate(rounds[:2], 1):
        if why:
            tap.skip("qemu: round %d, the model against QEMU 7.2" % i, why)
            continue
        r = Round(tap, srcdir, builddir, workdir, i, seed, steps // 2, start, end, qemu=True)
        r.seed_text = seed_text
        passed &= r.run()
    for i, (start, end) in enumerate(rounds, 1):
        r = Round(tap, srcdir, builddir, workdir, i, seed, steps, start, end)
        r.seed_text = seed_text
        passed &= r.run()
    if passed:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print("# the serial logs and the VMMs' output are in %s" % workdir)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
