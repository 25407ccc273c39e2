#!/bin/sh
# vireo-vmm as a program: options, start-up errors before any vCPU runs
# (missing /dev/kvm, missing or malformed kernels), how it ends (triple
# fault under on_reboot=destroy, KVM internal error, SIGTERM) with the
# documented exit status and final line, --pidfile, --paused, --daemonize.
VMM=${VIREO_VMM:-$abs_top_builddir/src/vireo-vmm}
SRC=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
MKIMAGE="python3 $SRC/tests/vmm/mkimage.py"
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
check() { # check DESCRIPTION COMMAND... (details from $DETAIL on failure)
    d=$1; shift
    if "$@"; then ok "$d"; else not_ok "$d" "$DETAIL"; fi
}

if [ ! -x "$VMM" ]; then echo "1..0 # SKIP vireo-vmm not built"; exit 0; fi
if ! command -v python3 >/dev/null; then echo "1..0 # SKIP python3 missing"; exit 0; fi
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then echo "1..0 # SKIP cannot open /dev/kvm"; exit 0; fi
echo "1..26"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export LC_ALL=C.UTF-8

domain() { # domain NAME KERNEL ON_REBOOT
    cat > "$TMP/$1.xml" <<XML
<domain type='kvm'>
  <name>$1</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$2</kernel>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>$3</on_reboot>
  <on_crash>destroy</on_crash>
</domain>
XML
}

# run NAME [ARGS...]: runs vireo-vmm on $TMP/NAME.xml (20 s at most);
# sets RC and LAST (the last line on stderr).
run() {
    name=$1; shift
    timeout 20 "$VMM" --domain "$TMP/$name.xml" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
    RC=$?
    LAST=$(tail -n 1 "$TMP/$name.err")
    DETAIL="status $RC, last line: $LAST"
}
last_has() { printf '%s\n' "$LAST" | grep -qF -- "$1"; }

# --- options
"$VMM" --help >"$TMP/help" 2>&1
RC=$?; DETAIL="status $RC"
check "--help exits 0" [ $RC -eq 0 ]
DETAIL=$(head -n 5 "$TMP/help")
check "--help lists --domain, --qmp, --pidfile, --daemonize, --paused" \
    sh -c "grep -q -- --domain '$TMP/help' && grep -q -- --qmp '$TMP/help' && grep -q -- --pidfile '$TMP/help' && grep -q -- --daemonize '$TMP/help' && grep -q -- --paused '$TMP/help'"
"$VMM" >/dev/null 2>"$TMP/noarg"; RC=$?
DETAIL="status $RC: $(cat "$TMP/noarg")"
check "no --domain: exit 1 with a message" sh -c "[ $RC -eq 1 ] && grep -q -- '--domain FILE is required' '$TMP/noarg'"

# --- start-up errors, all before a vCPU runs
domain missing "$TMP/no-such-kernel" destroy
run missing
check "missing kernel: exit 1" [ $RC -eq 1 ]
check "missing kernel: says which file and which step" \
    sh -c "printf '%s' \"\$0\" | grep -q \"domain 'missing' failed to start: cannot load the ACPI tables and the kernel: .*no-such-kernel\"" "$LAST"

$MKIMAGE bzimage-truncated "$TMP/bz-truncated"
domain bz "$TMP/bz-truncated" destroy
run bz
check "truncated bzImage: exit 1, reported as truncated" sh -c "[ $RC -eq 1 ] && printf '%s' \"\$0\" | grep -q 'is truncated'" "$LAST"

$MKIMAGE elf32 "$TMP/elf32"
domain elf32 "$TMP/elf32" destroy
run elf32
check "ELF32 kernel: exit 1, refused as 32-bit" sh -c "[ $RC -eq 1 ] && printf '%s' \"\$0\" | grep -q '32-bit ELF'" "$LAST"

$MKIMAGE garbage "$TMP/garbage"
domain garbage "$TMP/garbage" destroy
run garbage
check "garbage kernel: exit 1, neither bzImage nor ELF" sh -c "[ $RC -eq 1 ] && printf '%s' \"\$0\" | grep -q 'neither a bzImage'" "$LAST"

# ud2 with no IDT: triple fault
$MKIMAGE elf64 "$TMP/triple.elf" 0f0b
domain triple "$TMP/triple.elf" destroy
VIREO_KVM_DEVICE=/nonexistent/kvm run triple
check "no /dev/kvm: exit 1" [ $RC -eq 1 ]
check "no /dev/kvm: names the device" sh -c "printf '%s' \"\$0\" | grep -q \"'/nonexistent/kvm' does not exist\"" "$LAST"

# --- how a run ends
run triple
check "triple fault, on_reboot=destroy: exit 0" [ $RC -eq 0 ]
check "triple fault, on_reboot=destroy: final line" last_has "vireo-vmm: domain 'triple' stopped: guest reset with on_reboot=destroy"

# mov rax, 0xd0000000; jmp rax: nothing to fetch there, KVM cannot emulate
$MKIMAGE elf64 "$TMP/nowhere.elf" 48b8000000d000000000ffe0
domain nowhere "$TMP/nowhere.elf" restart
run nowhere
check "internal error: exit 3" [ $RC -eq 3 ]
check "internal error: final line reports the KVM error" last_has "stopped: host error: KVM internal error on vCPU 0. Suberror: 1"
check "internal error: final line has the registers" sh -c "printf '%s' \"\$0\" | grep -q 'RIP=00000000d0000000 .*CR0=.*CR3=.*CR4=.*EFER=.*CS='" "$LAST"

# inc ecx; jmp: spins until told to stop
$MKIMAGE elf64 "$TMP/spin.elf" ffc1ebfc
domain spin "$TMP/spin.elf" destroy
# A VMM that ignores a signal must fail the test, not hang it.
wait_gone() { i=0; while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; kill -KILL "$1" 2>/dev/null; }
wait_for_file() { i=0; while [ ! -s "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; [ -s "$1" ]; }
"$VMM" --domain "$TMP/spin.xml" --pidfile "$TMP/spin.pid" 2>"$TMP/spin.err" &
bg=$!
wait_for_file "$TMP/spin.pid"
DETAIL="pidfile: $(cat "$TMP/spin.pid" 2>/dev/null), process $bg"
check "--pidfile holds the VMM's pid" [ "$(cat "$TMP/spin.pid" 2>/dev/null)" = "$bg" ]
kill -TERM $bg
wait_gone $bg
wait $bg; RC=$?
LAST=$(tail -n 1 "$TMP/spin.err"); DETAIL="status $RC, last line: $LAST"
check "SIGTERM: exit 0" [ $RC -eq 0 ]
check "SIGTERM: final line" last_has "vireo-vmm: domain 'spin' stopped: killed by signal SIGTERM"
DETAIL="still there"
check "--pidfile removed at exit" [ ! -e "$TMP/spin.pid" ]

# --paused: a triple-faulting guest does nothing until resumed
"$VMM" --domain "$TMP/triple.xml" --paused --pidfile "$TMP/paused.pid" 2>"$TMP/paused.err" &
bg=$!
wait_for_file "$TMP/paused.pid"
sleep 0.5
DETAIL="the VMM ended: $(tail -n 1 "$TMP/paused.err")"
check "--paused: the guest does not run" kill -0 $bg
# SIGTERM, SIGINT and SIGHUP come through a signalfd: GLib's worker thread,
# which g_unix_signal_add() would start, is not there.
threads=$(cat /proc/$bg/task/*/comm 2>/dev/null | sort | tr '\n' ' ')
DETAIL="threads: $threads"
check "signals: no GLib worker thread (gmain)" sh -c "[ -n '$threads' ] && ! printf '%s' '$threads' | grep -q gmain"
kill -INT $bg
wait_gone $bg
wait $bg; RC=$?
LAST=$(tail -n 1 "$TMP/paused.err"); DETAIL="status $RC, last line: $LAST"
check "--paused then SIGINT: exit 0, killed by signal SIGINT" sh -c "[ $RC -eq 0 ] && printf '%s' \"\$0\" | grep -q 'killed by signal SIGINT'" "$LAST"

# A SIGTERM that comes before the VM runs is kept and ends it cleanly once
# it does (here it is pending, and blocked, from before the exec).
timeout -k 2 20 python3 -c '
import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM])
os.kill(os.getpid(), signal.SIGTERM)
os.execv(sys.argv[1], sys.argv[1:])' "$VMM" --domain "$TMP/spin.xml" 2>"$TMP/early-term.err"
RC=$?
LAST=$(tail -n 1 "$TMP/early-term.err"); DETAIL="status $RC, last line: $LAST"
check "SIGTERM pending at start: the VM ends once built, exit 0" sh -c "[ $RC -eq 0 ] && printf '%s' \"\$0\" | grep -q 'killed by signal SIGTERM'" "$LAST"

# --daemonize: the parent returns once the VM is built, the daemon runs on
timeout 20 "$VMM" --domain "$TMP/spin.xml" --daemonize --pidfile "$TMP/daemon.pid" 2>"$TMP/daemon.err"
RC=$?
pid=$(cat "$TMP/daemon.pid" 2>/dev/null)
DETAIL="status $RC, pid '$pid', stderr: $(cat "$TMP/daemon.err")"
check "--daemonize: parent exits 0 with the pidfile written" sh -c "[ $RC -eq 0 ] && [ -n '$pid' ] && kill -0 '$pid'"
[ -n "$pid" ] && kill -TERM "$pid"
i=0; while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
DETAIL="daemon $pid still running"
check "--daemonize: the daemon ends on SIGTERM and removes its pidfile" sh -c "! kill -0 '$pid' 2>/dev/null && [ ! -e '$TMP/daemon.pid' ]"

timeout 20 "$VMM" --domain "$TMP/missing.xml" --daemonize 2>"$TMP/daemon-missing.err"
RC=$?
DETAIL="status $RC, stderr: $(cat "$TMP/daemon-missing.err")"
check "--daemonize with a missing kernel: parent exits 1 with the error" \
    sh -c "[ $RC -eq 1 ] && grep -q 'no-such-kernel' '$TMP/daemon-missing.err'"
exit 0
