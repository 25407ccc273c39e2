#!/usr/bin/env python3
"""Helpers for the guest e2e scripts, so the domain XML stays the single
source of truth:

  fill TEMPLATE OUT GUESTDIR SERIAL INITRD
      Replace @GUESTDIR@, @SERIAL@, @INITRD@ and the derived values
      @INITRD_SIZE@, @INITRD_CRC@ (of the INITRD file) and @PAYLOAD_LEN@,
      @PAYLOAD_CRC@ (of the command line text after a lone "--", as the
      XML parser decodes it, in UTF-8).
  qemu-args XML
      The qemu-system-x86_64 arguments (one per line) for the same machine,
      on QEMU's fastest direct-kernel-boot configuration: -M microvm, or
      -M pc with qboot where microvm differs (dies, 0xCF9, CPU versions).
  get XML WHAT
      Print one fact: clock-adjust (seconds), on-reboot, exit (the guest's
      exit= word, "poweroff" by default).
"""
import datetime
import sys
import xml.etree.ElementTree as ET
import zlib

UNITS = {"b": 1, "bytes": 1, "k": 1024, "kib": 1024, "kb": 1000,
         "m": 1 << 20, "mib": 1 << 20, "mb": 10**6,
         "g": 1 << 30, "gib": 1 << 30, "gb": 10**9}


def crc32_file(path):
    crc = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            crc = zlib.crc32(chunk, crc)
    return crc


def payload(cmdline):
    words = cmdline.split(" ")
    if "--" not in words:
        return None
    return " ".join(words[words.index("--") + 1:])


def cmd_fill(template, out, guestdir, serial, initrd):
    text = open(template, encoding="utf-8").read()
    text = (text.replace("@GUESTDIR@", guestdir).replace("@SERIAL@", serial)
            .replace("@INITRD@", initrd))
    if "@INITRD_SIZE@" in text:
        import os
        text = (text.replace("@INITRD_SIZE@", str(os.path.getsize(initrd)))
                .replace("@INITRD_CRC@", "0x%08x" % crc32_file(initrd)))
    if "@PAYLOAD_LEN@" in text:
        # Decode the XML as the VMM will, with placeholders already filled.
        probe = text.replace("@PAYLOAD_LEN@", "0").replace("@PAYLOAD_CRC@", "0")
        cmdline = ET.fromstring(probe.encode("utf-8")).findtext("os/cmdline")
        data = payload(cmdline).encode("utf-8")
        text = (text.replace("@PAYLOAD_LEN@", str(len(data)))
                .replace("@PAYLOAD_CRC@", "0x%08x" % zlib.crc32(data)))
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)


def memory_kib(dom):
    m = dom.find("memory")
    return int(m.text) * UNITS[m.get("unit", "KiB").lower()] // 1024


def cpu_arg(dom):
    cpu = dom.find("cpu")
    if cpu is None or (cpu.findtext("model") is None and cpu.get("mode", "custom") == "custom"):
        return None                     # QEMU's default, qemu64, as libvirt
    if cpu.get("mode") in ("host-passthrough", "host-model", "maximum"):
        return "host"
    arg = cpu.findtext("model")
    for f in cpu.findall("feature"):
        on = f.get("policy") in ("require", "force", "optional")
        arg += ",%s%s" % ("+" if on else "-", f.get("name"))
    return arg


def cmd_qemu_args(path):
    dom = ET.parse(path).getroot()
    vcpus = int(dom.findtext("vcpu"))
    topo = dom.find("cpu/topology")
    smp = str(vcpus)
    dies = 1
    if topo is not None:
        dies = int(topo.get("dies", "1"))
        smp += ",sockets=%s,dies=%s,cores=%s,threads=%s" % (
            topo.get("sockets"), dies, topo.get("cores"), topo.get("threads"))
    # microvm lacks dies and port 0xCF9, and resolves a named CPU model to
    # its latest version where machine='pc' means version 1 (another brand
    # string): those domains run on -M pc, with qboot to keep it quick.
    # microvm's MADT has no IRQ0 -> GSI 2 override although its in-kernel
    # routing sends the PIT to IOAPIC pin 2: the PIT interrupt check
    # (expect.pit_hz) follows the MADT, so it runs on -M pc as well.
    cpu = dom.find("cpu")
    named_model = cpu is not None and cpu.findtext("model") is not None
    pit_irq = "expect.pit_hz=" in (dom.findtext("os/cmdline") or "")
    if dies > 1 or named_model or guest_exit(dom) == "cf9" or pit_irq:
        args = ["-M", "pc", "-bios", "qboot.rom"]
    else:
        args = ["-M", "microvm,acpi=on,rtc=on,pit=on,pic=on"]
    args += ["-enable-kvm"]
    if cpu_arg(dom):
        args += ["-cpu", cpu_arg(dom)]
    args += ["-m", "%dk" % memory_kib(dom),
             "-smp", smp, "-nodefaults", "-display", "none",
             "-kernel", dom.findtext("os/kernel")]
    if dom.findtext("os/initrd"):
        args += ["-initrd", dom.findtext("os/initrd")]
    if dom.findtext("os/cmdline"):
        args += ["-append", dom.findtext("os/cmdline")]
    serial = dom.find("devices/serial")
    if serial is not None and serial.get("type") == "stdio":
        args += ["-serial", "stdio"]
    elif serial is not None and serial.find("source") is not None:
        args += ["-serial", "file:" + serial.find("source").get("path")]
    adjust = clock_adjust(dom)
    if adjust:
        base = datetime.datetime.utcnow() + datetime.timedelta(seconds=adjust)
        args += ["-rtc", "base=" + base.strftime("%Y-%m-%dT%H:%M:%S")]
    else:
        args += ["-rtc", "base=utc"]
    if dom.findtext("on_reboot", "restart") == "destroy":
        args += ["-no-reboot"]
    print("\n".join(args))


def clock_adjust(dom):
    clock = dom.find("clock")
    if clock is None or clock.get("offset") != "variable":
        return 0
    return int(clock.get("adjustment", "0"))


def guest_exit(dom):
    words = dom.findtext("os/cmdline", "").split(" ")
    ex = [w[5:] for w in words if w.startswith("exit=")]
    return ex[0] if ex else "poweroff"


def cmd_get(path, what):
    dom = ET.parse(path).getroot()
    if what == "clock-adjust":
        print(clock_adjust(dom))
    elif what == "on-reboot":
        print(dom.findtext("on_reboot", "restart"))
    elif what == "exit":
        print(guest_exit(dom))
    else:
        sys.exit("unknown fact " + what)


def main(argv):
    if len(argv) == 7 and argv[1] == "fill":
        cmd_fill(*argv[2:])
    elif len(argv) == 3 and argv[1] == "qemu-args":
        cmd_qemu_args(argv[2])
    elif len(argv) == 4 and argv[1] == "get":
        cmd_get(argv[2], argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
