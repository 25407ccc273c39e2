#!/usr/bin/env python3
"""Boot-to-power-off and memory-overhead benchmarks: vireo-vmm against
QEMU's fastest configuration for the same job, in the same run.

  bench.py boot BUILDDIR [N]   exec -> exit of a guest that powers off
  bench.py mem BUILDDIR        resident memory outside guest RAM of a live VM

Both VMMs boot the same freestanding guest (tests/guest/*.elf) with the
same memory, one vCPU, and a serial port going to a file.
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

MEM_MIB = 128
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")

DOMAIN = """<domain type='kvm'>
  <name>bench-{name}</name>
  <memory unit='MiB'>{mem}</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>{kernel}</kernel>
    <cmdline>{cmdline}</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <devices>
    <serial type='file'>
      <source path='{serial}'/>
      <target port='0'/>
    </serial>
  </devices>
</domain>
"""


class Setup:
    def __init__(self, builddir, tmp, guest, cmdline):
        self.kernel = os.path.join(builddir, "tests", "guest", guest)
        self.vmm = os.environ.get("VIREO_VMM", os.path.join(builddir, "src", "vireo-vmm"))
        self.serial = os.path.join(tmp, "serial.log")
        self.xml = os.path.join(tmp, "domain.xml")
        with open(self.xml, "w") as f:
            f.write(DOMAIN.format(name=guest.split(".")[0], mem=MEM_MIB, kernel=self.kernel,
                                  cmdline=cmdline, serial=self.serial))
        self.vireo_cmd = [self.vmm, "--domain", self.xml]
        # QEMU's fastest direct boot: microvm, PVH entry, no firmware
        # tables beyond ACPI, no default devices.
        self.qemu_cmd = [QEMU, "-M", "microvm", "-enable-kvm", "-cpu", "host",
                         "-m", str(MEM_MIB), "-smp", "1", "-nodefaults", "-no-reboot",
                         "-display", "none", "-kernel", self.kernel, "-append", cmdline,
                         "-serial", "file:" + self.serial]

    def missing(self):
        for path, what in ((self.kernel, "test guest"), (self.vmm, "vireo-vmm")):
            if not os.access(path, os.R_OK):
                return "%s %s not built" % (what, path)
        if not os.access("/dev/kvm", os.R_OK | os.W_OK):
            return "/dev/kvm not accessible"
        return None


def run_once(cmd, serial, marker):
    """Seconds from exec to exit, and the guest's own share (its TSC from
    entry to the power-off request, printed by hello.timing)."""
    open(serial, "w").close()
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
    dt = time.perf_counter() - t0
    out = open(serial, errors="replace").read()
    if p.returncode != 0 or marker not in out:
        raise SystemExit("%s failed (status %d): %s\n%s" % (cmd[0], p.returncode,
                         p.stderr.decode(errors="replace")[-500:], out[-500:]))
    m = re.search(r"guest time *: *(\d+) us", out)
    return dt, (int(m.group(1)) / 1e6 if m else 0.0)


def bench_boot(builddir, n):
    with tempfile.TemporaryDirectory() as tmp:
        # tiny.elf prints one line and powers off: the VMMs' share is
        # nearly all of the run. BENCH_GUEST=hello runs hello.elf with
        # hello.timing instead (it calibrates its TSC, ~10 ms of PIT
        # polling, and prints its own time so the VMM share can be split).
        if os.environ.get("BENCH_GUEST") == "hello":
            guest, cmdline = "hello.elf", "console=ttyS0 hello.timing"
        else:
            guest, cmdline = "tiny.elf", "console=ttyS0"
        s = Setup(builddir, tmp, guest, cmdline)
        why = s.missing()
        if why:
            print("SKIP boot: " + why)
            return 0
        runs = {"vireo-vmm": [], "qemu microvm": []}
        run_once(s.vireo_cmd, s.serial, "Powering off")     # warm the page cache
        run_once(s.qemu_cmd, s.serial, "Powering off")
        for _ in range(n):          # interleaved: host noise hits both alike
            runs["vireo-vmm"].append(run_once(s.vireo_cmd, s.serial, "Powering off"))
            runs["qemu microvm"].append(run_once(s.qemu_cmd, s.serial, "Powering off"))
        print("boot: %s, %d MiB, 1 vCPU, exec -> guest power-off -> exit, %d runs each" % (guest, MEM_MIB, n))
        if guest == "hello.elf":
            print("      (VMM = total minus the guest's own time from entry to power-off, per run)")
        else:
            print("      (the guest does not time itself: VMM share = total, guest shown as 0)")
        total, vmm = {}, {}
        for k, v in runs.items():
            total[k] = statistics.median(t for t, _ in v) * 1000
            vmm[k] = statistics.median(t - g for t, g in v) * 1000
            guest = statistics.median(g for _, g in v) * 1000
            print("  %-13s total median %7.2f ms (min %.2f, max %.2f)  guest %6.2f ms  VMM %7.2f ms" % (
                k, total[k], min(t for t, _ in v) * 1000, max(t for t, _ in v) * 1000, guest, vmm[k]))
        ratio = total["vireo-vmm"] / total["qemu microvm"]
        vratio = vmm["vireo-vmm"] / vmm["qemu microvm"]
        print("  ratio vireo/qemu: total %.3f, VMM share %.3f (target < 0.2: %s)" % (
            ratio, vratio, "met" if ratio < 0.2 else "NOT met"))
    return 0


def smaps_outside_ram(pid, ram_bytes):
    """Sums (KiB) over the mappings of pid other than guest RAM, which are
    the mappings at least as large as guest RAM (QEMU rounds its RAM block
    up and adds guard pages; vireo maps exactly RAM). Returns Rss, Pss and
    Anonymous outside RAM, and the Rss of the RAM mappings."""
    out = {"Rss": 0, "Pss": 0, "Anonymous": 0, "ram": 0}
    size = 0
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            parts = line.split()
            if parts[0] == "Size:":
                size = int(parts[1]) * 1024
            elif parts[0].rstrip(":") in ("Rss", "Pss", "Anonymous"):
                key = parts[0].rstrip(":")
                if size >= ram_bytes:
                    if key == "Rss":
                        out["ram"] += int(parts[1])
                else:
                    out[key] += int(parts[1])
    return out


def measure_live(cmd, serial, settle):
    open(serial, "w").close()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while "DONE " not in open(serial, errors="replace").read():
            if p.poll() is not None or time.time() > deadline:
                raise SystemExit("%s did not reach the guest's DONE line" % cmd[0])
            time.sleep(0.01)
        time.sleep(settle)
        return smaps_outside_ram(p.pid, MEM_MIB << 20)
    finally:
        p.terminate()
        p.wait(timeout=10)


def bench_mem(builddir):
    with tempfile.TemporaryDirectory() as tmp:
        s = Setup(builddir, tmp, "check.elf", "console=ttyS0 expect.no_serial_irq exit=halt")
        why = s.missing()
        if why:
            print("SKIP mem: " + why)
            return 0
        print("mem: check.elf halted after its checks, %d MiB, 1 vCPU; KiB from /proc/PID/smaps," % MEM_MIB)
        print("     summed over every mapping except guest RAM (mappings >= guest RAM size).")
        print("     Rss counts shared library pages in full, Pss splits them among their")
        print("     users, Anonymous is the process's own memory (heap, stacks, tables).")
        res = {}
        for name, cmd in (("vireo-vmm", s.vireo_cmd), ("qemu microvm", s.qemu_cmd)):
            m = measure_live(cmd, s.serial, 0.2)
            res[name] = m
            print("  %-13s Rss %6d  Pss %6d  Anonymous %6d  (guest RAM touched %d)" % (
                name, m["Rss"], m["Pss"], m["Anonymous"], m["ram"]))
        v, q = res["vireo-vmm"], res["qemu microvm"]
        print("  vireo Rss outside RAM %.2f MiB (target < 3 MiB): %s; anonymous %.2f MiB" % (
            v["Rss"] / 1024, "met" if v["Rss"] < 3 * 1024 else "NOT met", v["Anonymous"] / 1024))
        print("  qemu/vireo: Rss %.1fx, Pss %.1fx, Anonymous %.1fx" % (
            q["Rss"] / max(v["Rss"], 1), q["Pss"] / max(v["Pss"], 1),
            q["Anonymous"] / max(v["Anonymous"], 1)))
    return 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "boot":
        return bench_boot(argv[2], int(argv[3]) if len(argv) > 3 else int(os.environ.get("BENCH_N", "20")))
    if len(argv) == 3 and argv[1] == "mem":
        return bench_mem(argv[2])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
