"""A real guest under QMP control: the ticker guest prints
"tick N" every 10 ms; `stop` must freeze the counter, `cont` must restart
it, `system_reset` must boot it again with its .bss zeroed (as at the first
boot), and after `system_powerdown` the guest must see the ACPI power button
and power off (POWERDOWN, then SHUTDOWN guest-shutdown, then the VMM exits).
The same session runs under QEMU (with qboot, as the reference the test is
checked against) and under vireo-vmm.

usage: guest.py SRCDIR BUILDDIR
"""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qmpconf as q  # noqa: E402


def ticks(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            found = re.findall(r"^tick (\d+)$", f.read(), re.M)
    except FileNotFoundError:
        return 0
    return int(found[-1]) if found else 0


def wait_ticks(path, at_least, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if ticks(path) >= at_least:
            return True
        time.sleep(0.02)
    return False


def ready_lines(path):
    """The ticker's "ready" lines, one per boot. Not anchored at a line's
    start: a reset can cut the running guest off in the middle of a line
    ("tick 4" without its newline), and the new boot's first line follows
    the broken one on the same line, as on a real serial console."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return re.findall(r"(ticker: ready .*)\n", f.read())  # to the line's end
    except FileNotFoundError:
        return []


def wait_ready(path, boots, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if len(ready_lines(path)) >= boots:
            return True
        time.sleep(0.02)
    return False


QBOOT = "/usr/share/qemu/qboot.rom"


def session(tap, label, t, log):
    """The QMP session; every assertion is named "LABEL: ..."."""
    def ok(cond, what, detail=None):
        return tap.ok(cond, "%s: %s" % (label, what), detail)
    try:
        c = t.connect()
        c.readline()
        q.exchange(c, '{"execute": "qmp_capabilities"}\n')
        time.sleep(0.3)
        ok(ticks(log) == 0, "paused (prelaunch): the guest has not ticked", str(ticks(log)))
        out = q.exchange(c, '{"execute": "cont"}\n')
        ok(len(out) == 2 and '"event": "RESUME"' in out[0], "cont: RESUME then the reply",
           "\n".join(out))
        ok(wait_ticks(log, 10, 10), "running: the guest ticks", open(log).read()[-500:]
           if os.path.exists(log) else "no serial log")
        out = q.exchange(c, '{"execute": "stop"}\n')
        ok(len(out) == 2 and '"event": "STOP"' in out[0], "stop: STOP then the reply",
           "\n".join(out))
        time.sleep(0.1)             # output already written by the guest lands
        frozen = ticks(log)
        time.sleep(0.5)             # 50 ticks' worth of time
        ok(ticks(log) == frozen, "stopped: the tick counter is frozen",
           "%d then %d" % (frozen, ticks(log)))
        st = q.exchange(c, '{"execute": "query-status"}\n')
        ok(st == ['{"return": {"status": "paused", "singlestep": false, "running": false}}'],
           "query-status: paused", "\n".join(st))
        q.exchange(c, '{"execute": "cont"}\n')
        ok(wait_ticks(log, frozen + 10, 10), "cont: the counter moves on from where it stopped",
           "%d then %d" % (frozen, ticks(log)))
        # A reset reloads the kernel: the guest ran (its .bss holds
        # non-zero values), so the loader must zero .bss again; the new
        # "ready" line says what the guest found at entry.
        out = q.exchange(c, '{"execute": "system_reset"}\n')
        ok(out and out[-1] == '{"return": {}}', "system_reset: the reply", "\n".join(out))
        ok(wait_ready(log, 2, 10), "system_reset: the guest starts again",
           "\n".join(ready_lines(log)))
        ready = ready_lines(log)
        ok(len(ready) >= 2 and all("bss zero at entry" in r for r in ready),
           "the guest's .bss was zero at entry, at boot and after system_reset",
           "\n".join(ready))
        out = q.exchange(c, '{"execute": "system_powerdown"}\n')
        ok(len(out) == 2 and '"event": "POWERDOWN"' in out[0],
           "system_powerdown: POWERDOWN then the reply", "\n".join(out))
        line = None
        deadline = time.time() + 10
        while time.time() < deadline:
            line = c.readline(max(0.1, deadline - time.time()))
            if line is None or '"SHUTDOWN"' in line:
                break
        msg = json.loads(line) if line else {}
        ok(msg.get("event") == "SHUTDOWN" and
           msg.get("data") == {"guest": True, "reason": "guest-shutdown"},
           "the guest powers off: SHUTDOWN guest-shutdown", str(line))
        ok(c.at_eof(5), "the connection ends with the VMM")
        try:
            rc = t.proc.wait(10)
        except Exception:
            rc = None
        ok(rc == 0, "exits 0 after the guest's poweroff", "exit %s: %s" % (rc, t.log_text()))
        ok("ticker: power button" in open(log).read(), "the guest saw the power button")
    except Exception as e:
        ok(False, "session", "%r\n%s" % (e, t.log_text()))
    finally:
        t.stop()


def cpu_ticks(pid):
    """utime + stime of pid, in clock ticks."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def oversized_then_idle(tap, t):
    """A message over the 1 MiB limit: the error, then the connection
    closes (docs/qmp.md, message-limit), the VMM goes back to sleep (it
    once kept dispatching the dead client's readable socket, at 100 % CPU,
    and never closed it), and another client is served."""
    try:
        c = t.connect()
        c.readline()
        q.exchange(c, '{"execute": "qmp_capabilities"}\n')
        out = q.exchange(c, '{"execute": "query-kvm", "id": "%s"}\n' % ("x" * (1100 * 1024)))
        tap.ok(out and "JSON token size limit exceeded" in out[0],
               "vireo: oversized message: the error", "\n".join(x[:200] for x in out))
        tap.ok(c.at_eof(5), "vireo: oversized message: the connection is closed")
        time.sleep(0.2)
        before = cpu_ticks(t.proc.pid)
        time.sleep(1.0)
        used = cpu_ticks(t.proc.pid) - before
        hz = os.sysconf("SC_CLK_TCK")
        # Idle is ~0; the spin took a whole CPU (hz ticks per second).
        tap.ok(used < hz // 4, "vireo: idle after dropping the client",
               "%d of %d ticks in 1 s" % (used, hz))
        d = t.connect()
        d.readline()
        q.exchange(d, '{"execute": "qmp_capabilities"}\n')
        out = q.exchange(d, '{"execute": "query-status"}\n')
        tap.ok(out and '"status": "prelaunch"' in out[0],
               "vireo: another client is served after it", "\n".join(out))
    except Exception as e:
        tap.ok(False, "vireo: oversized message", "%r\n%s" % (e, t.log_text()))
    finally:
        t.stop()


def main():
    srcdir, builddir = sys.argv[1], sys.argv[2]
    tap = q.Tap()
    workdir = q.make_workdir()
    elf = os.path.join(builddir, "tests/qmp/ticker.elf")

    why = q.qemu_unavailable() or (None if os.path.exists(QBOOT) else QBOOT + " is missing")
    if why:
        tap.skip("qemu: ticker guest", why)
    else:
        log = os.path.join(workdir, "qemu-serial.log")
        sock = os.path.join(workdir, "qemu.sock")
        argv = ["qemu-system-x86_64", "-S", "-nodefaults", "-machine", "pc,accel=kvm",
                "-m", "128", "-display", "none", "-bios", QBOOT, "-kernel", elf,
                "-serial", "file:" + log, "-qmp", "unix:%s,server=on,wait=off" % sock]
        session(tap, "qemu", q.Target("qemu", argv, [sock], workdir), log)

    why = q.vireo_unavailable(builddir)
    if why:
        tap.skip("vireo-vmm: ticker guest", why)
        return tap.done()
    vmm = os.environ.get("VIREO_VMM") or os.path.join(builddir, "src/vireo-vmm")
    log = os.path.join(workdir, "serial.log")
    xml = os.path.join(workdir, "ticker.xml")
    serial = ("    <serial type='file'>\n      <source path='%s'/>\n"
              "      <target port='0'/>\n    </serial>\n" % log)
    with open(xml, "w") as f:
        f.write(q.domain_xml(srcdir, elf, serial)
                .replace("<cmdline>nopowerbtn</cmdline>", "<cmdline></cmdline>"))
    sock = os.path.join(workdir, "qmp.sock")
    session(tap, "vireo", q.Target("vireo", q.vireo_argv(vmm, xml, [sock]), [sock], workdir), log)
    sock = os.path.join(workdir, "qmp-oversized.sock")
    oversized_then_idle(tap, q.Target("vireo-oversized", q.vireo_argv(vmm, xml, [sock]),
                                      [sock], workdir))
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
