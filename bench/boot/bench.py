#!/usr/bin/env python3
"""Boot-to-power-off and memory-overhead benchmarks: vireo-vmm against
QEMU's fastest configuration for the same job, in the same run.

  bench.py boot BUILDDIR [N]   exec -> exit of a guest that powers off
  bench.py mem BUILDDIR        resident memory outside guest RAM of a live VM
  bench.py check BUILDDIR      TAP: tiny.elf does its job under both commands
                               (bench/boot/tiny-check.sh, part of make check)

Both VMMs boot the same freestanding guest (tests/guest/*.elf) with the
same memory, one vCPU, and a serial port going to a file.

vireo-vmm runs with its ordinary domain XML (DOMAIN below), no special flags.

QEMU runs in its fastest configuration for the job (QEMU_FAST below): -M
microvm (no PCI, no firmware tables beyond ACPI; its qboot firmware enters the
ELF through the PVH note) with everything the guest does not use switched off:
pit=off,pic=off,rtc=off (tiny uses only COM1 and ACPI; split irqchip, microvm's
default, keeps PIC/IOAPIC/PIT out of the kernel so the VM's tear-down does
not wait for them), x-option-roms=off, pcie=off, ioapic2=off, usb=off,
graphics=off, auto-kernel-cmdline=off, -no-user-config, -nodefaults, and -cpu
host (with or without it is within noise, 40.8 vs 45.5 ms below and 50.9 vs
48.3 ms in another round; the default model asks for features this host
lacks and warns). BENCH_GUEST=hello keeps PIT and RTC (QEMU_WITH_PIT_RTC).
Chosen by interleaved runs on tiny.elf, 40 each, medians of exec -> exit and
of the process's CPU time (getrusage), load average ~3:

  -M microvm -enable-kvm -cpu host -nodefaults        49.8 ms, CPU 33.3 ms
  + pit=off,pic=off,rtc=off                           45.7 ms, CPU 33.4 ms
  + x-option-roms=off                                 50.0 ms, CPU 32.7 ms
  + pcie/ioapic2/usb/graphics/auto-kernel-cmdline off
    and -no-user-config (QEMU_FAST)                   45.5 ms, CPU 30.9 ms
  QEMU_FAST without -cpu host                         40.8 ms, CPU 30.3 ms
  QEMU_FAST with kernel-irqchip=on instead of split   44.4 ms, CPU 30.7 ms

and earlier, quieter (load ~1.7, 30 each): plain microvm 39.7 ms, QEMU_FAST
37.7 ms. Wall times move by more than the options do; QEMU_FAST is ~2.5 ms
less CPU than plain microvm and has the fewest emulated firmware instructions
(perf stat -e kvm:kvm_emulate_insn: 14,753 in all, against 14,832).
kernel-irqchip=off does not start (KVM refuses MSR 0x4b564d06). No option
removes qboot, which runs ~14,300 instructions before the guest's first
(fw_cfg directory lookups by name, ACPI table checksums, the IVT); on kvm_pvm
each of them is emulated like the guest's. The guest prints the same line in
every configuration.

When perf(1) can record KVM tracepoints, one more run of each VMM under
`perf record -e kvm:kvm_emulate_insn,kvm:kvm_userspace_exit` counts the
instructions KVM emulated (inside the guest image and outside it, i.e.
firmware) and estimates the time spent emulating them (the gaps between
consecutive emulated instructions with no exit in between): the "without
emulation" figure is the median total minus that, an estimate of what the
run would cost where guest code runs natively. BENCH_PERF=0 skips it.
"""
import os
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from benchlib import run_timed  # noqa: E402

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


QEMU_FAST = ["-no-user-config", "-nodefaults", "-M",
             "microvm,pit=off,pic=off,rtc=off,x-option-roms=off,pcie=off,ioapic2=off,"
             "usb=off,graphics=off,auto-kernel-cmdline=off",
             "-enable-kvm", "-cpu", "host"]
# For BENCH_GUEST=hello: hello.timing calibrates its TSC against the PIT and
# reads the RTC, so those stay on (with pit=off it waits 5 s for the PIT).
QEMU_WITH_PIT_RTC = ["-no-user-config", "-nodefaults", "-M",
                     "microvm,x-option-roms=off,pcie=off,ioapic2=off,"
                     "usb=off,graphics=off,auto-kernel-cmdline=off",
                     "-enable-kvm", "-cpu", "host"]


class Setup:
    def __init__(self, builddir, tmp, guest, cmdline, qemu_opts=None):
        self.kernel = os.path.join(builddir, "tests", "guest", guest)
        self.vmm = os.environ.get("VIREO_VMM", os.path.join(builddir, "src", "vireo-vmm"))
        self.serial = os.path.join(tmp, "serial.log")
        self.xml = os.path.join(tmp, "domain.xml")
        with open(self.xml, "w") as f:
            f.write(DOMAIN.format(name=guest.split(".")[0], mem=MEM_MIB, kernel=self.kernel,
                                  cmdline=cmdline, serial=self.serial))
        self.vireo_cmd = [self.vmm, "--domain", self.xml]
        # QEMU's fastest direct boot (module docstring): microvm, PVH entry.
        self.qemu_cmd = [QEMU] + (qemu_opts or QEMU_FAST) + [
            "-m", str(MEM_MIB), "-smp", "1", "-no-reboot",
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
    dt, status, err = run_timed(cmd)
    out = open(serial, errors="replace").read()
    if status != 0 or marker not in out:
        raise SystemExit("%s failed (status %d): %s\n%s" % (cmd[0], status,
                         err.decode(errors="replace")[-500:], out[-500:]))
    m = re.search(r"guest time *: *(\d+) us", out)
    return dt, (int(m.group(1)) / 1e6 if m else 0.0)


def elf_load_ranges(path):
    """[start, end) physical ranges of an ELF64's PT_LOAD segments."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        return []
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    ranges = []
    for i in range(phnum):
        p_type, _, _, _, paddr, _, memsz = struct.unpack_from("<IIQQQQQ", data, phoff + i * phentsize)
        if p_type == 1:
            ranges.append((paddr, paddr + memsz))
    return ranges


EMU_RE = re.compile(r"\s*([0-9.]+):\s+kvm:(kvm_emulate_insn|kvm_userspace_exit):\s*(\S*)")


def perf_emulation(cmd, serial, marker, image, tmp):
    """One run of cmd under perf record with KVM's emulation and exit
    tracepoints. Returns (instructions emulated inside the guest image,
    outside it, seconds spent emulating) or None when perf is missing,
    not allowed, or BENCH_PERF=0. Emulating time: the sum of the gaps
    between consecutive emulated instructions with no exit to user space
    between them (an exit's round trip is the VMM's, not the emulator's);
    perf's own tracing overhead is in it too, so it is an upper estimate."""
    perf = shutil.which("perf")
    if not perf or os.environ.get("BENCH_PERF") == "0":
        return None
    data = os.path.join(tmp, "perf.data")
    open(serial, "w").close()
    try:
        # -m 1024: a 4 MiB buffer holds a whole run, so no event is lost.
        p = subprocess.run([perf, "record", "-q", "-m", "1024", "-o", data, "-e",
                            "kvm:kvm_emulate_insn,kvm:kvm_userspace_exit", "--"] + cmd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
        if p.returncode != 0 or marker not in open(serial, errors="replace").read():
            return None
        out = subprocess.run([perf, "script", "-i", data, "-F", "time,event,trace"],
                             capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    inside = outside = 0
    emulating = 0.0
    prev = None
    for line in out.stdout.splitlines():
        m = EMU_RE.match(line)
        if not m:
            continue
        t = float(m.group(1))
        if m.group(2) != "kvm_emulate_insn":
            prev = None
            continue
        # "CS base:RIP:bytes", all hex.
        f = m.group(3).split(":")
        try:
            addr = int(f[0], 16) + int(f[1], 16)
        except (IndexError, ValueError):
            continue
        if any(lo <= addr < hi for lo, hi in image):
            inside += 1
        else:
            outside += 1
        if prev is not None:
            emulating += t - prev
        prev = t
    if inside + outside == 0:
        return None
    return inside, outside, emulating


def bench_boot(builddir, n):
    with tempfile.TemporaryDirectory() as tmp:
        # tiny.elf prints one line and powers off: the VMMs' share is
        # nearly all of the run. BENCH_GUEST=hello runs hello.elf with
        # hello.timing instead (it calibrates its TSC, ~10 ms of PIT
        # polling, and prints its own time so the VMM share can be split).
        qemu_opts = None
        if os.environ.get("BENCH_GUEST") == "hello":
            guest, cmdline = "hello.elf", "console=ttyS0 hello.timing"
            qemu_opts = QEMU_WITH_PIT_RTC
        else:
            guest, cmdline = "tiny.elf", "console=ttyS0"
        s = Setup(builddir, tmp, guest, cmdline, qemu_opts)
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
        image = elf_load_ranges(s.kernel)
        emu = {}
        for k, cmd in (("vireo-vmm", s.vireo_cmd), ("qemu microvm", s.qemu_cmd)):
            r = perf_emulation(cmd, s.serial, "Powering off", image, tmp)
            if r is None:
                print("  (no emulated-instruction figures: perf cannot record kvm tracepoints here"
                      " or BENCH_PERF=0)")
                return 0
            emu[k] = r
        print("  emulated by KVM (one more run each under perf record; estimate):")
        free = {}
        for k, (inside, outside, secs) in emu.items():
            free[k] = total[k] - secs * 1000
            print("    %-13s %5d instructions in the guest image, %5d outside it (firmware),"
                  " %6.2f ms emulating; total without emulation ~%.2f ms" % (
                      k, inside, outside, secs * 1000, free[k]))
        if free["qemu microvm"] > 0 and free["vireo-vmm"] > 0:
            print("    ratio vireo/qemu without emulation: ~%.3f" % (free["vireo-vmm"] / free["qemu microvm"]))
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


TINY_LINE = "Hello from a tiny guest. Powering off.\r\n"
TINY_NO_RSDP = "FAIL tiny: no RSDP from the boot protocol"


def wait_for_line(cmd, serial, line, seconds):
    """Starts cmd, waits until its serial log holds line (True) or it
    exits or seconds pass (False), then ends it."""
    open(serial, "w").close()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + seconds
        while time.time() < deadline:
            if line in open(serial, errors="replace").read():
                return True
            if p.poll() is not None:
                return line in open(serial, errors="replace").read()
            time.sleep(0.02)
        return False
    finally:
        if p.poll() is None:
            p.terminate()
        p.wait(timeout=10)


def check_tiny(builddir):
    """TAP: the bench's guest does its job under both bench commands
    (one line, then ACPI power-off and a clean exit), and says so when
    the boot protocol gives it no ACPI tables."""
    with tempfile.TemporaryDirectory() as tmp:
        s = Setup(builddir, tmp, "tiny.elf", "console=ttyS0")
        why = s.missing()
        if why:
            print("1..0 # SKIP " + why)
            return 0
        have_qemu = shutil.which(QEMU) is not None
        tests, skips = [], []
        if not have_qemu:
            skips.append("%s not installed" % QEMU)

        def boots(cmd, what):
            open(s.serial, "w").close()
            try:
                p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
                rc, err = p.returncode, p.stderr.decode(errors="replace")
            except subprocess.TimeoutExpired:
                rc, err = "timeout", ""
            out = open(s.serial, errors="replace", newline="").read()    # keep the \r
            tests.append((rc == 0 and out == TINY_LINE,
                          "%s: tiny.elf prints its line and powers off" % what,
                          "status %s, serial %r, stderr %s" % (rc, out[-300:], err[-300:])))

        boots(s.vireo_cmd, "vireo-vmm")
        if have_qemu:
            boots(s.qemu_cmd, "qemu microvm (bench configuration)")
        # No ACPI: the guest must say it found no RSDP rather than hang silently.
        xml = open(s.xml).read().replace("<acpi/>", "")
        noacpi = os.path.join(tmp, "noacpi.xml")
        with open(noacpi, "w") as f:
            f.write(xml)
        ok = wait_for_line([s.vmm, "--domain", noacpi], s.serial, TINY_NO_RSDP, 30)
        tests.append((ok, "vireo-vmm without <acpi/>: tiny.elf reports no RSDP",
                      "serial %r" % open(s.serial, errors="replace").read()[-300:]))
        if have_qemu:
            cmd = [a.replace("microvm,", "microvm,acpi=off,") for a in s.qemu_cmd]
            ok = wait_for_line(cmd, s.serial, TINY_NO_RSDP, 30)
            tests.append((ok, "qemu microvm acpi=off: tiny.elf reports no RSDP",
                          "serial %r" % open(s.serial, errors="replace").read()[-300:]))
        # tiny's \_S5 walk (not only its fallback scan) on every DSDT vireo
        # builds in tests/hw/acpi-dump's configurations.
        dump = os.path.join(builddir, "tests", "hw", "acpi-dump")
        amltest = os.path.join(builddir, "tests", "guest", "tiny-aml-test")
        if os.access(dump, os.X_OK) and os.access(amltest, os.X_OK):
            files, diag = [], ""
            for conf in subprocess.run([dump, "--list"], capture_output=True, text=True).stdout.split():
                d = os.path.join(tmp, "acpi-" + conf)
                os.mkdir(d)
                r = subprocess.run([dump, conf, d], capture_output=True, text=True)
                if r.returncode != 0:
                    diag += "acpi-dump %s: %s\n" % (conf, r.stderr.strip())
                files.append(os.path.join(d, "DSDT.dat"))
            r = subprocess.run([amltest] + files, capture_output=True, text=True)
            bad = [l for l in r.stdout.splitlines() if l.startswith("not ok")]
            tests.append((files and not diag and r.returncode == 0 and not bad,
                          "tiny's AML walk finds \\_S5 in vireo's DSDT for %d acpi-dump configurations" % len(files),
                          diag + "\n".join(bad)))
        else:
            skips.append("tests/hw/acpi-dump or tests/guest/tiny-aml-test not built")
        for i, (ok, name, diag) in enumerate(tests, 1):
            print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
            if not ok:
                print("# " + diag.replace("\n", "\n# "))
        for i, why in enumerate(skips, len(tests) + 1):
            print("ok %d # SKIP %s" % (i, why))
        print("1..%d" % (len(tests) + len(skips)))
    return 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "boot":
        return bench_boot(argv[2], int(argv[3]) if len(argv) > 3 else int(os.environ.get("BENCH_N", "20")))
    if len(argv) == 3 and argv[1] == "mem":
        return bench_mem(argv[2])
    if len(argv) == 3 and argv[1] == "check":
        return check_tiny(argv[2])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
