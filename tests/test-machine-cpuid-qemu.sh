#!/bin/bash
# TAP: for every named CPU model, the CPUID table vireo builds (describe
# --host, check='none' as QEMU's check=off) against what QEMU 7.2 gives a
# guest with -cpu MODEL under KVM, leaf by leaf, read by a test guest
# (tests/machine/cpuid-dump.c).
# On kvm_pvm (this project's hosts) the guest reads the host's own bits in
# the feature registers whatever the VMM set (leaf 1 ECX/EDX, 7, 0xD,
# 0x80000001 ECX/EDX, 0x80000007/8 feature words: docs/machine.md), so
# there those registers are left out and every other one is compared.
set -u
VIREO=${VIREO_BIN:-$(pwd)/src/vireo}
BUILD=${abs_top_builddir:-$(pwd)}
GUEST=$BUILD/tests/machine/cpuid-dump.elf
QEMU=${QEMU:-qemu-system-x86_64}
DIR=$(mktemp -d /tmp/vireo-mcpuid.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
MODELS="qemu64 kvm64 qemu32 Conroe Penryn Nehalem Westmere SandyBridge IvyBridge Haswell
Haswell-noTSX Broadwell Broadwell-noTSX Skylake-Client Skylake-Server Cascadelake-Server
Icelake-Server SapphireRapids EPYC EPYC-Rome EPYC-Milan"
echo "1..$(echo $MODELS | wc -w)"
n=0
skip_all() {
    for m in $MODELS; do n=$((n + 1)); echo "ok $n # SKIP $m: $1"; done
    exit 0
}
command -v "$QEMU" > /dev/null || skip_all "no $QEMU"
[ -r /dev/kvm ] && [ -w /dev/kvm ] || skip_all "no /dev/kvm"
[ -f "$GUEST" ] || skip_all "no $GUEST (make tests/machine/cpuid-dump.elf)"
PVM=0
[ -d /sys/module/kvm_pvm ] && PVM=1

compare() {  # compare QEMU-DUMP VIREO-JSON
    python3 - "$1" "$2" "$PVM" <<'PY'
import json, sys
qemu = {}
for line in open(sys.argv[1], errors="replace"):
    p = line.split()
    if len(p) == 6 and p[0] == "CPUID":
        f, s = p[1].split(".")
        qemu[(int(f, 16), int(s))] = [int(x, 16) for x in p[2:]]
vireo = {}
for e in json.load(open(sys.argv[2]))["cpu"]["vcpus"][0]["cpuid"]:
    vireo[(int(e["function"], 16), e["index"])] = [int(e[r], 16) for r in ("eax", "ebx", "ecx", "edx")]
pvm = sys.argv[3] == "1"
# (leaf, subleaf or None, register index) whose bits the host decides on kvm_pvm
host_regs = {(1, 0, 2), (1, 0, 3), (0x80000001, 0, 2), (0x80000001, 0, 3),
             (0x80000007, 0, 3), (0x80000008, 0, 1)}
def host_decided(leaf, sub, reg):
    return pvm and (leaf in (7, 0xD) or (leaf, sub, reg) in host_regs)
bad = []
for key in sorted(set(qemu) | set(vireo)):
    q, v = qemu.get(key), vireo.get(key)
    if key[0] in (7, 0xD) and pvm:
        continue                  # which subleaves exist follows the host's bits too
    if q is None or v is None:
        bad.append("%x.%d only in %s" % (key[0], key[1], "QEMU" if v is None else "vireo"))
        continue
    for r in range(4):
        if q[r] != v[r] and not host_decided(key[0], key[1], r):
            bad.append("%x.%d %s qemu=%08x vireo=%08x" % (key[0], key[1], "abcd"[r], q[r], v[r]))
print("%d leaves" % len(qemu) if not bad else "; ".join(bad[:6]))
sys.exit(1 if bad or not qemu else 0)
PY
}

for m in $MODELS; do
    n=$((n + 1))
    case $m in
    qemu32) echo "ok $n # SKIP $m: no long mode, and the dump guest is 64-bit"; continue ;;
    SapphireRapids)
        if ! "$QEMU" -cpu help 2>/dev/null | grep -qw SapphireRapids; then
            echo "ok $n # SKIP $m: not a model of this QEMU ($($QEMU --version | head -1))"; continue
        fi ;;
    esac
    cat > "$DIR/$m.xml" <<X
<domain type='kvm'><name>cpuid</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type></os>
<cpu mode='custom' match='exact' check='none'><model fallback='forbid'>$m</model></cpu></domain>
X
    timeout 60 "$QEMU" -M pc-i440fx-7.2 -bios qboot.rom -enable-kvm -cpu "$m,check=off,enforce=off" \
        -m 128 -nodefaults -display none -kernel "$GUEST" -serial "file:$DIR/$m.txt" \
        -no-reboot > "$DIR/$m.qemu" 2>&1
    "$VIREO" describe --host --json "$DIR/$m.xml" > "$DIR/$m.json" 2> "$DIR/$m.err"
    if ! grep -q CPUID-END "$DIR/$m.txt" 2>/dev/null; then
        echo "not ok $n - $m: the QEMU guest did not finish its dump ($(tail -c 200 "$DIR/$m.qemu"))"
    elif out=$(compare "$DIR/$m.txt" "$DIR/$m.json"); then
        echo "ok $n - $m: vireo's table is QEMU's ($out$([ $PVM = 1 ] && echo ', feature registers left to kvm_pvm'))"
    else
        echo "not ok $n - $m: $out"
    fi
done
