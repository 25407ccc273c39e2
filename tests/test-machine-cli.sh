#!/bin/bash
# TAP: the machine verbs of `vireo`: capabilities / domcapabilities,
# describe (text, --json, --host) and their errors.
set -u
VIREO=${VIREO_BIN:-$(pwd)/src/vireo}
SRC=${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
FIX=$SRC/tests/machine
DIR=$(mktemp -d /tmp/vireo-mcli.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else notok "$d"; fi; }
json() { python3 -c "import json,sys; d=json.load(open('${2:-$DIR/smp.json}')); print($1)"; }

echo "1..20"
"$VIREO" capabilities > "$DIR/caps.txt" 2>"$DIR/caps.err"
check "capabilities exits 0" test $? -eq 0
check "the default machine is pc-i440fx-9.2, alias pc" \
    grep -qE '^  pc-i440fx-9\.2 \(alias pc, default\) ' "$DIR/caps.txt"
check "q35 is the alias of pc-q35-9.2" grep -qE '^  pc-q35-9\.2 \(alias q35\) ' "$DIR/caps.txt"
check "distribution names show their upstream type" \
    grep -qE '^  pc-i440fx-trusty -> pc-i440fx-2\.0 +Ubuntu 14\.04 PC' "$DIR/caps.txt"
check "RHEL names too" grep -qE '^  pc-q35-rhel7\.6\.0 -> pc-q35-2\.12 ' "$DIR/caps.txt"
missing=
for m in qemu64 kvm64 qemu32 Conroe Penryn Nehalem Westmere SandyBridge IvyBridge \
         Haswell Haswell-noTSX Broadwell Broadwell-noTSX Skylake-Client Skylake-Server \
         Cascadelake-Server Icelake-Server SapphireRapids EPYC EPYC-Rome EPYC-Milan; do
    grep -qE "^  $m +" "$DIR/caps.txt" || missing="$missing $m"
done
check "all 21 CPU models are listed${missing:+ (missing:$missing)}" test -z "$missing"
if [ -r /dev/kvm ]; then
    # every model line ends in "usable" or names what blocks it
    bad=$(sed -n '/^CPU models:/,$p' "$DIR/caps.txt" | grep -E '^  [A-Za-z]' |
          grep -vE '(usable|blocked by: .+)$' | grep -vE '^  host-(passthrough|model)')
    check "with /dev/kvm each model is usable or names its blockers" test -z "$bad"
else
    check "without /dev/kvm the host CPU is reported unknown" grep -q 'host CPU unknown' "$DIR/caps.txt"
fi
"$VIREO" domcapabilities > "$DIR/domcaps.txt"
check "domcapabilities is capabilities" cmp -s "$DIR/caps.txt" "$DIR/domcaps.txt"

"$VIREO" describe --json "$FIX/smp-2x2x2-q35.xml" > "$DIR/smp.json"
check "describe --json exits 0" test $? -eq 0
check "2x2x2: APIC IDs 0..7" test "$(json '[v["apic-id"] for v in d["cpu"]["vcpus"]]')" = "[0, 1, 2, 3, 4, 5, 6, 7]"
check "2x2x2: vCPUs 6 and 7 are hot-pluggable" \
    test "$(json '[v["present"] for v in d["cpu"]["vcpus"]]')" = "[True, True, True, True, True, True, False, False]"
check "q35 8 GiB: 2 GiB below 4 GiB, 6 GiB above" \
    test "$(json 'd["memory"]["below-4g"], d["memory"]["above-4g"]')" = "0x80000000 0x180000000"
check "q35: the ECAM window is reserved in e820" \
    test "$(json '[e["type"] for e in d["memory"]["e820"] if e["addr"] == "0xb0000000"]')" = "['reserved']"
"$VIREO" describe "$FIX/smp-2x2x2-q35.xml" > "$DIR/smp.txt"
check "describe (text) shows APIC IDs per vCPU" grep -qE 'vCPU 5 +APIC ID 5 +socket 1 die 0 core 0 thread 1' "$DIR/smp.txt"

"$VIREO" describe "$FIX/unknown-machine.xml" > /dev/null 2>"$DIR/err.txt"
rc=$?
check "unknown machine: exit 1, named, with the capabilities hint" \
    test $rc -eq 1 -a -n "$(grep "unsupported machine type 'pc-i440fx-0.9'.*vireo capabilities" "$DIR/err.txt")"
if [ -r /dev/kvm ]; then
    "$VIREO" describe --host "$FIX/require-dca.xml" > /dev/null 2>"$DIR/err.txt"
    check "--host: features KVM never offers are CPU_INCOMPATIBLE" \
        grep -qE '^error: the CPU is incompatible with host CPU: Host CPU does not provide required features: (pbe, dca|dca, pbe)$' "$DIR/err.txt"
else
    n=$((n + 1)); echo "ok $n # SKIP no /dev/kvm to check a host CPU against"
fi

# host-passthrough: describe reads the host by itself; the table is this
# host's (family, model, brand and address sizes as /proc/cpuinfo has them)
if [ -r /dev/kvm ] && grep -q '^cpu family' /proc/cpuinfo; then
    "$VIREO" describe --json "$FIX/host-passthrough.xml" > "$DIR/hp.json" 2>"$DIR/hp.err"
    fam=$(sed -n 's/^cpu family[[:space:]]*: //p' /proc/cpuinfo | head -1)
    mod=$(sed -n 's/^model[[:space:]]*: //p' /proc/cpuinfo | head -1)
    check "host-passthrough: family $fam model $mod, as /proc/cpuinfo (got $(json 'd["cpu"]["family"], d["cpu"]["model-number"]' "$DIR/hp.json"))" \
        test "$(json 'd["cpu"]["family"], d["cpu"]["model-number"]' "$DIR/hp.json")" = "$fam $mod"
    name=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
    check "host-passthrough: the brand string is the host's ($name)" \
        test "$(json 'd["cpu"]["model-id"]' "$DIR/hp.json")" = "$name"
    phys=$(sed -n 's/^address sizes[[:space:]]*: \([0-9]*\) bits physical.*/\1/p' /proc/cpuinfo | head -1)
    got=$(json '[int(e["eax"], 16) & 0xff for e in d["cpu"]["vcpus"][0]["cpuid"] if e["function"] == "0x80000008"][0]' "$DIR/hp.json")
    check "host-passthrough: leaf 0x80000008 gives the host's $phys physical address bits (got $got)" \
        test "$got" = "$phys"
else
    for i in 1 2 3; do n=$((n + 1)); echo "ok $n # SKIP no /dev/kvm or /proc/cpuinfo to compare host-passthrough with"; done
fi
# host-model: the closest named model capabilities names is what a domain gets
if [ -r /dev/kvm ]; then
    hm=$(sed -n 's/^  host-model: \([^,]*\),.*/\1/p' "$DIR/caps.txt")
    sed "s/host-passthrough/host-model/" "$FIX/host-passthrough.xml" > "$DIR/hm.xml"
    "$VIREO" describe --json "$DIR/hm.xml" > "$DIR/hm.json" 2>/dev/null
    got=$(json 'd["cpu"]["model"]' "$DIR/hm.json")
    check "host-model resolves to the model capabilities names (${hm:-none}, got $got)" \
        test -n "$hm" -a "$got" = "$hm"
else
    n=$((n + 1)); echo "ok $n # SKIP no /dev/kvm for host-model"
fi
