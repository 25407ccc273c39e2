#!/bin/bash
# TAP: vireo splits guest RAM around the PCI hole exactly where QEMU 7.2
# does for the same machine type and size (QEMU's `info mtree -f` pc.ram
# ranges), including the sizes just below and at each family's threshold.
set -u
VIREO=${VIREO_BIN:-$(pwd)/src/vireo}
DIR=$(mktemp -d /tmp/vireo-memmap.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
cases="pc-i440fx-7.2:512 pc-i440fx-7.2:3583 pc-i440fx-7.2:3584 pc-i440fx-7.2:8192
       pc-q35-7.2:512 pc-q35-7.2:2815 pc-q35-7.2:2816 pc-q35-7.2:8192"
echo "1..8"
n=0
if ! command -v qemu-system-x86_64 >/dev/null || ! command -v python3 >/dev/null; then
    for c in $cases; do n=$((n + 1)); echo "ok $n # SKIP qemu-system-x86_64 or python3 missing"; done
    exit 0
fi
accel=tcg
[ -w /dev/kvm ] && accel=kvm
for c in $cases; do
    machine=${c%%:*}
    mib=${c##*:}
    n=$((n + 1))
    cat > "$DIR/d.xml" <<XML
<domain type='kvm'>
  <name>memmap</name>
  <memory unit='MiB'>$mib</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='$machine'>hvm</type></os>
</domain>
XML
    ours=$("$VIREO" describe --json "$DIR/d.xml" |
           python3 -c 'import json,sys; m=json.load(sys.stdin)["memory"]; print(int(m["below-4g"],16), int(m["above-4g"],16))')
    # QEMU: low RAM is the pc.ram alias ending below 4 GiB, high RAM the one at 4 GiB
    theirs=$(printf '%s\n' '{"execute":"qmp_capabilities"}' \
             '{"execute":"human-monitor-command","arguments":{"command-line":"info mtree -f"}}' \
             '{"execute":"quit"}' |
             timeout 60 qemu-system-x86_64 -machine "$machine,accel=$accel" -m "$mib" -S \
                 -nodefaults -display none -qmp stdio 2>/dev/null |
             python3 -c '
import json, re, sys
below = above = 0
for line in sys.stdin:
    d = json.loads(line)
    if isinstance(d.get("return"), str):
        view = d["return"].split("FlatView")
        mem = [v for v in view if "AS \"memory\"" in v][0]
        for a, b in re.findall(r"([0-9a-f]+)-([0-9a-f]+) \(prio 0, ram\): pc\.ram", mem):
            a, b = int(a, 16), int(b, 16) + 1
            if a >= 1 << 32:
                above += b - a
            else:
                below = max(below, b)
print(below, above)')
    if [ -n "$ours" ] && [ "$ours" = "$theirs" ]; then
        echo "ok $n - $machine ${mib} MiB: below/above 4 GiB = $ours bytes, as QEMU"
    else
        echo "not ok $n - $machine ${mib} MiB: vireo '$ours', QEMU '$theirs'"
    fi
done
