#!/bin/bash
# TAP: `vireo domxml-to-native qemu-argv` on the seeds' Nova domain gives the
# seeds' OpenStack command line, and the real qemu-system-x86_64 accepts it
# (-S, QMP query-status / query-pci / quit) with real files behind the disk
# and the serial port.
set -u
VIREO=${VIREO_BIN:-$(pwd)/src/vireo}
SRC=${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
DIR=$(mktemp -d /tmp/vireo-native.XXXXXX)
BR=qbr5b5b4c9e-b4
TAP=tap5b5b4c9e-b4
QEMU_PID=
made_br=
made_tap=
cleanup() {
    [ -n "$QEMU_PID" ] && kill "$QEMU_PID" 2>/dev/null
    [ -n "$made_tap" ] && ip link del "$TAP" 2>/dev/null
    [ -n "$made_br" ] && ip link del "$BR" 2>/dev/null
    rm -rf "$DIR"
}
trap cleanup EXIT

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else notok "$d"; fi; }
# "slot.function vendor:device" of each PCI function in a query-pci reply
qemu_pci() {
    python3 - "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    try:
        d = json.loads(line)
    except ValueError:
        continue
    if isinstance(d.get("return"), list) and d["return"] and "devices" in d["return"][0]:
        for dev in d["return"][0]["devices"]:
            print("%d.%d %04x:%04x" % (dev["slot"], dev["function"], dev["id"]["vendor"], dev["id"]["device"]))
PY
}
# "slot.function ..." of the PCI functions `vireo describe` lists, sorted, on one line
vireo_pci() {
    "$VIREO" describe --json "$1" | python3 -c '
import json, sys
for d in json.load(sys.stdin)["devices"]:
    if "pci-address" in d:
        slot, fn = d["pci-address"].split(":")[2].split(".")
        print("%d.%d" % (int(slot, 16), int(fn, 16)))' | sort | tr '\n' ' '
}

echo "1..27"
sed "s|@DIR@|$DIR|g" "$SRC/tests/machine/nova-trusty.xml" > "$DIR/domain.xml"
sed "s|@DIR@|$DIR|g" "$SRC/tests/machine/nova-trusty-noaddr.xml" > "$DIR/noaddr.xml"
"$VIREO" domxml-to-native qemu-argv "$DIR/domain.xml" > "$DIR/argv.txt"
check "domxml-to-native qemu-argv succeeds" test $? -eq 0 -a -s "$DIR/argv.txt"
# one token per line, shell quoting undone
python3 -c 'import shlex,sys; print("\n".join(shlex.split(open(sys.argv[1]).read())))' \
    "$DIR/argv.txt" > "$DIR/argv.lines"

# "OPT VALUE" as adjacent tokens
has_opt() {
    awk -v o="$1" -v v="$2" 'prev == o && $0 == v { f = 1 } { prev = $0 } END { exit !f }' \
        "$DIR/argv.lines"
}
has_opt_prefix() {
    awk -v o="$1" -v v="$2" 'prev == o && index($0, v) == 1 { f = 1 } { prev = $0 } END { exit !f }' \
        "$DIR/argv.lines"
}
check "-name instance-00000024" has_opt -name instance-00000024
check "-machine pc-i440fx-trusty,accel=kvm,usb=off" has_opt -machine pc-i440fx-trusty,accel=kvm,usb=off
# The seeds' line also has +osxsave (QEMU 2.0 took it); it mirrors CR4 and
# QEMU 7.2 refuses it as a property ("Property ...osxsave not found").
check "-cpu SandyBridge with the Nova features in order (no +osxsave)" has_opt -cpu \
    SandyBridge,+erms,+smep,+fsgsbase,+pdpe1gb,+rdrand,+f16c,+dca,+pcid,+pdcm,+xtpr,+tm2,+est,+smx,+vmx,+ds_cpl,+monitor,+dtes64,+pbe,+tm,+ht,+ss,+acpi,+ds,+vme
check "-m 2048" has_opt -m 2048
check "-smp 1,sockets=1,cores=1,threads=1" has_opt -smp 1,sockets=1,cores=1,threads=1
check "-rtc base=utc,driftfix=slew" has_opt -rtc base=utc,driftfix=slew
check "-drive ...,id=drive-virtio-disk0,format=qcow2,cache=none" has_opt -drive \
    "file=$DIR/disk,if=none,id=drive-virtio-disk0,format=qcow2,cache=none"
check "-device virtio-blk-pci at 0x4 with bootindex=1" has_opt -device \
    virtio-blk-pci,scsi=off,bus=pci.0,addr=0x4,drive=drive-virtio-disk0,id=virtio-disk0,bootindex=1
check "-netdev tap,id=hostnet0 on the bridge" has_opt_prefix -netdev "tap,id=hostnet0,br=$BR,"
check "-device virtio-net-pci at 0x3 with Nova's MAC" has_opt -device \
    virtio-net-pci,netdev=hostnet0,id=net0,mac=fa:16:3e:d1:2d:99,bus=pci.0,addr=0x3
check "-chardev file,id=charserial0,path=console.log" has_opt -chardev \
    "file,id=charserial0,path=$DIR/console.log"
check "-device isa-serial,chardev=charserial0,id=serial0" has_opt -device \
    isa-serial,chardev=charserial0,id=serial0
check "-vnc 0.0.0.0:12" has_opt -vnc 0.0.0.0:12
check "-device cirrus-vga,id=video0,bus=pci.0,addr=0x2" has_opt -device \
    cirrus-vga,id=video0,bus=pci.0,addr=0x2
"$VIREO" domxml-to-native qemu-argv "$DIR/noaddr.xml" > "$DIR/noaddr.txt"
check "without <address> vireo assigns libvirt's slots (same command line)" \
    cmp -s "$DIR/argv.txt" "$DIR/noaddr.txt"
"$VIREO" domxml-to-native qemu-argv "$SRC/tests/machine/no-such-file.xml" 2>"$DIR/err.txt"
check "a missing file is an error" test -s "$DIR/err.txt"

# ---- run it in QEMU --------------------------------------------------------
missing=
for tool in qemu-system-x86_64 qemu-img socat python3; do
    command -v $tool >/dev/null || missing="$missing $tool"
done
[ -w /dev/kvm ] || missing="$missing /dev/kvm"
if [ -n "$missing" ]; then
    for i in $(seq $((n + 1)) 27); do skip "missing:$missing"; done
    exit 0
fi
qemu-img create -q -f qcow2 "$DIR/disk" 64M
eval "args=( $(cat "$DIR/argv.txt") )"
# What this host needs changed, each said out loud:
for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[$i]}" in
    -machine)
        m=${args[$((i + 1))]%%,*}
        if ! qemu-system-x86_64 -machine help | grep -q "^$m "; then
            canon=$("$VIREO" describe --json "$DIR/domain.xml" |
                    python3 -c 'import json,sys; print(json.load(sys.stdin)["machine"])')
            echo "# this QEMU has no $m (a distribution type): running its upstream $canon"
            args[$((i + 1))]=${args[$((i + 1))]/$m/$canon}
        fi ;;
    -vnc)
        echo "# VNC on a unix socket instead of 0.0.0.0:12"
        args[$((i + 1))]="unix:$DIR/vnc.sock" ;;
    -netdev)
        nd=${args[$((i + 1))]}
        if [ ! -e /dev/vhost-net ]; then
            echo "# no /dev/vhost-net on this host: vhost=on dropped"
            nd=${nd/,vhost=on/}
        fi
        if ! grep -qsE "^allow (all|$BR)" /etc/qemu/bridge.conf; then
            # libvirt creates the tap itself and plugs it into the bridge;
            # do the same, since the bridge helper is not allowed here
            if ip link add "$BR" type bridge 2>/dev/null; then made_br=1; fi
            if ip tuntap add dev "$TAP" mode tap 2>/dev/null; then
                made_tap=1
                ip link set "$TAP" master "$BR" 2>/dev/null
                echo "# bridge helper not allowed by /etc/qemu/bridge.conf: tap $TAP created and plugged into $BR as libvirt does"
                nd="tap,id=hostnet0,ifname=$TAP,script=no,downscript=no"
            else
                echo "# tap cannot be created on this host: netdev replaced by a user-mode one"
                nd="user,id=hostnet0"
            fi
        fi
        args[$((i + 1))]=$nd ;;
    esac
done
args+=( -S -qmp "unix:$DIR/qmp.sock,server=on,wait=off" )
"${args[@]}" 2>"$DIR/qemu.err" &
QEMU_PID=$!
for _ in $(seq 100); do [ -S "$DIR/qmp.sock" ] && break; kill -0 $QEMU_PID 2>/dev/null || break; sleep 0.1; done
check "QEMU accepts the command line and opens QMP" test -S "$DIR/qmp.sock"
[ -S "$DIR/qmp.sock" ] || sed 's/^/# qemu: /' "$DIR/qemu.err"
printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"query-status"}' \
    '{"execute":"query-pci"}' '{"execute":"quit"}' |
    timeout 20 socat -t 5 - "UNIX-CONNECT:$DIR/qmp.sock" > "$DIR/qmp.out" 2>&1
check "QMP: the guest is held in prelaunch (-S)" grep -q '"status": "prelaunch"' "$DIR/qmp.out"
# slot -> PCI vendor:device as QEMU built them
slots=$(qemu_pci "$DIR/qmp.out")
echo "$slots" | sed 's/^/# pci /'
check "QEMU put cirrus at 2, virtio-net at 3, virtio-blk at 4, balloon at 5, UHCI at 1.2" \
    test "$(echo "$slots" | grep -E '^(1\.2|2\.0|3\.0|4\.0|5\.0) ' | sort | tr '\n' ' ')" = \
         "1.2 8086:7020 2.0 1013:00b8 3.0 1af4:1000 4.0 1af4:1001 5.0 1af4:1002 "
ours=$(vireo_pci "$DIR/domain.xml")
theirs=$(echo "$slots" | cut -d' ' -f1 | sort | tr '\n' ' ')
check "vireo describe lists exactly the PCI functions QEMU built ($ours)" test "$ours" = "$theirs"
wait $QEMU_PID
rc=$?
QEMU_PID=
check "QEMU quits cleanly on QMP quit (exit status $rc)" test $rc -eq 0
check "QEMU opened the serial port's file" test -e "$DIR/console.log"

# ---- q35: chipset at 1f.x, devices straight on pcie.0 ----------------------
sed "s|@DIR@|$DIR/q35|g" "$SRC/tests/machine/q35-devices.xml" > "$DIR/q35.xml"
mkdir -p "$DIR/q35"
qemu-img create -q -f qcow2 "$DIR/q35/disk" 64M
eval "qargs=( $("$VIREO" domxml-to-native qemu-argv "$DIR/q35.xml") )"
qargs+=( -S -qmp "unix:$DIR/q35.sock,server=on,wait=off" )
"${qargs[@]}" 2>"$DIR/q35.err" &
QEMU_PID=$!
for _ in $(seq 100); do [ -S "$DIR/q35.sock" ] && break; kill -0 $QEMU_PID 2>/dev/null || break; sleep 0.1; done
printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"query-pci"}' '{"execute":"quit"}' |
    timeout 20 socat -t 5 - "UNIX-CONNECT:$DIR/q35.sock" > "$DIR/q35.out" 2>&1
wait $QEMU_PID
rc=$?
QEMU_PID=
check "q35: QEMU accepts the command line and quits cleanly (exit status $rc)" test $rc -eq 0
[ $rc -eq 0 ] || sed 's/^/# qemu: /' "$DIR/q35.err"
# 1f.3 is ICH9's SMBus function, which vireo does not model
theirs=$(qemu_pci "$DIR/q35.out" | cut -d' ' -f1 | grep -vx '31\.3' | sort | tr '\n' ' ')
ours=$(vireo_pci "$DIR/q35.xml")
check "q35: vireo describe lists the PCI functions QEMU built, SMBus 1f.3 aside ($ours)" \
    test -n "$ours" -a "$ours" = "$theirs"

# ---- host-model: expanded with this host's CPU, as libvirt does ------------
sed "s/host-passthrough/host-model/" "$SRC/tests/machine/host-passthrough.xml" > "$DIR/hm.xml"
hm_model=$("$VIREO" describe --json "$DIR/hm.xml" | python3 -c 'import json,sys; print(json.load(sys.stdin)["cpu"]["model"])')
hm_cpu=$("$VIREO" domxml-to-native qemu-argv "$DIR/hm.xml" | tr ' ' '\n' | sed -n '/^-cpu$/{n;p}')
check "host-model: -cpu names the closest model and the host's differences ($(echo "$hm_cpu" | cut -c1-60)...)" \
    test "${hm_cpu%%,*}" = "$hm_model"
printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"quit"}' |
    timeout 30 qemu-system-x86_64 -M pc -enable-kvm -cpu "$hm_cpu" -S -display none \
        -nodefaults -qmp stdio > "$DIR/hm.out" 2> "$DIR/hm.err"
rc=$?
check "host-model: QEMU accepts that -cpu (exit status $rc)" test $rc -eq 0 -a ! -s "$DIR/hm.err"
if [ -s "$DIR/hm.err" ]; then sed 's/^/# qemu: /' "$DIR/hm.err"; fi
