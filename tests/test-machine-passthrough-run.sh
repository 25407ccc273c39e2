#!/bin/bash
# TAP: a host-passthrough domain runs on vireo-vmm, and the test guest
# (tests/guest/check.elf) reads this host's vendor and brand string (from
# /proc/cpuinfo), the guest's own topology, x2apic and hypervisor on, and
# cx16 off as <feature policy='disable'> asks; each PASS/FAIL line of the
# guest becomes a TAP line.
set -u
BUILD=${abs_top_builddir:-$(pwd)}
SRC=${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
VMM=${VIREO_VMM:-$BUILD/src/vireo-vmm}
DIR=$(mktemp -d /tmp/vireo-mpt.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
skip() { echo "1..1"; echo "ok 1 # SKIP $1"; exit 0; }
[ -x "$VMM" ] || skip "vireo-vmm not built ($VMM)"
[ -f "$BUILD/tests/guest/check.elf" ] || skip "no tests/guest/check.elf"
[ -r /dev/kvm ] && [ -w /dev/kvm ] || skip "no /dev/kvm"
vendor=$(sed -n 's/^vendor_id[[:space:]]*: //p' /proc/cpuinfo | head -1)
brand=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1 | sed 's/[[:space:]]*$//')
[ -n "$vendor" ] && [ -n "$brand" ] || skip "no vendor_id / model name in /proc/cpuinfo"
sed -e "s|@GUESTDIR@|$BUILD/tests/guest|" -e "s|@SERIAL@|$DIR/serial.txt|" \
    -e "s|@VENDOR@|$vendor|" -e "s|@BRAND@|$brand|" \
    "$SRC/tests/machine/host-passthrough-run.xml" > "$DIR/domain.xml"
timeout 120 "$VMM" --domain "$DIR/domain.xml" > "$DIR/out" 2> "$DIR/err"
rc=$?
lines=$(grep -E '^(PASS|FAIL) ' "$DIR/serial.txt" 2>/dev/null)
count=$(printf '%s\n' "$lines" | grep -c .)
echo "1..$((count + 2))"
n=1
if [ $rc -eq 0 ]; then echo "ok 1 - vireo-vmm runs the host-passthrough guest to its power-off"
else echo "not ok 1 - vireo-vmm exits with $rc: $(tail -n 2 "$DIR/err" | tr '\n' ' ')"; fi
n=2
if printf '%s\n' "$lines" | grep -q '^PASS cpuid-brand'; then
    echo "ok 2 - the guest checked the host's brand string \"$brand\""
else
    echo "not ok 2 - no PASS cpuid-brand from the guest ($(head -c 300 "$DIR/serial.txt" 2>/dev/null))"
fi
printf '%s\n' "$lines" | while read -r verdict name rest; do
    [ -n "$verdict" ] || continue
    n=$((n + 1))
    if [ "$verdict" = PASS ]; then echo "ok $n - guest: $name"; else echo "not ok $n - guest: $name $rest"; fi
done
