# Shared by the tests/cli/*.sh TAP scripts: a private store under
# vireo:///embed?root=$(mktemp -d), TAP helpers, test domains, and clean-up
# of every VMM the test started.
set -u
builddir=${abs_top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}
srcdir=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
VIREO=${VIREO_BIN:-$builddir/src/vireo}
export VIREO_VMM=${VIREO_VMM:-$builddir/src/vireo-vmm}
export LC_ALL=C.UTF-8
ROOT=$(mktemp -d /tmp/vireo-cli.XXXXXX)
export VIREO_DEFAULT_URI="vireo:///embed?root=$ROOT"
WORK=$ROOT/work
mkdir -p "$WORK"
n_test=0
n_fail=0

cleanup() {
    # every VMM and monitor of this store, by the pids it recorded
    for ini in "$ROOT"/run/domains/*/run.ini; do
        [ -e "$ini" ] || continue
        for key in vmm_pid monitor_pid; do
            pid=$(sed -n "s/^$key=//p" "$ini")
            [ -n "$pid" ] && [ "$pid" != 0 ] && kill -9 "$pid" 2>/dev/null
        done
    done
    rm -rf "$ROOT"
}
trap cleanup EXIT

plan() { echo "1..$1"; }
ok() { n_test=$((n_test + 1)); echo "ok $n_test - $1"; }
not_ok() { n_test=$((n_test + 1)); n_fail=$((n_fail + 1)); echo "not ok $n_test - $1"; }
skip() { n_test=$((n_test + 1)); echo "ok $n_test # SKIP $1"; }
diag() { echo "$*" | sed 's/^/# /'; }

# check NAME COMMAND...: passes when COMMAND succeeds
check() {
    name=$1; shift
    if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# expect_output NAME EXPECTED ACTUAL: exact comparison, diff on failure
expect_output() {
    if [ "$2" = "$3" ]; then
        ok "$1"
    else
        not_ok "$1"
        printf '%s\n' "$2" > "$WORK/expected"
        printf '%s\n' "$3" > "$WORK/actual"
        diff -u "$WORK/expected" "$WORK/actual" | sed 's/^/# /'
    fi
}

v() { "$VIREO" "$@"; }

# Runs vireo; stdout+stderr in $out, exit status in $rc.
run() {
    out=$("$VIREO" "$@" 2>&1)
    rc=$?
}

# wait_for SECONDS COMMAND...: polls COMMAND every 50 ms
wait_for() {
    limit=$(($1 * 20)); shift
    i=0
    while [ $i -lt $limit ]; do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}

state_is() { [ "$("$VIREO" -q domstate "$1" --reason 2>/dev/null)" = "$2" ]; }

IDLE_ELF=$builddir/tests/cli/idle.elf
HELLO_ELF=$builddir/tests/guest/hello.elf

# domain_xml NAME POWER(honour|ignore) [KERNEL]: a test domain whose serial
# port is a pty (for vireo console) copied to $WORK/NAME.serial
domain_xml() {
    kernel=${3:-$IDLE_ELF}
    cat <<XML
<domain type='kvm'>
  <name>$1</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$kernel</kernel>
    <cmdline>console=ttyS0 power=$2</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <serial type='pty'>
      <log file='$WORK/$1.serial'/>
      <target port='0'/>
    </serial>
    <console type='pty'>
      <target type='serial' port='0'/>
    </console>
  </devices>
</domain>
XML
}

serial_has() { grep -q "$2" "$WORK/$1.serial" 2>/dev/null; }

# Why guests cannot run here, or nothing when they can: a probe domain
# must start and print its first serial line.
guest_blocker() {
    [ -x "$VIREO_VMM" ] || { echo "vireo-vmm is not built ($VIREO_VMM)"; return; }
    [ -e /dev/kvm ] || { echo "no /dev/kvm"; return; }
    [ -e "$IDLE_ELF" ] || { echo "the idle test guest is not built ($IDLE_ELF)"; return; }
    domain_xml probe ignore > "$WORK/probe.xml"
    if ! "$VIREO" create "$WORK/probe.xml" >"$WORK/probe.out" 2>&1; then
        echo "vireo-vmm cannot start a guest yet: $(tail -n 1 "$WORK/probe.out")"
        return
    fi
    if ! wait_for 20 serial_has probe "idle guest ready"; then
        "$VIREO" destroy probe >/dev/null 2>&1
        echo "vireo-vmm runs no guest code yet (no serial output from the idle guest)"
        return
    fi
    "$VIREO" destroy probe >/dev/null 2>&1
    # the probe's start and stop are not part of what the tests look at
    rm -f "$WORK/probe.serial"
}

# The VMM pid a domain's run recorded.
vmm_pid() { sed -n 's/^vmm_pid=//p' "$ROOT/run/domains/$1/run.ini" 2>/dev/null; }

# A pid is gone when /proc has no live process for it (a zombie is gone).
pid_gone() {
    [ ! -e "/proc/$1" ] && return 0
    st=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null)
    [ -z "$st" ] || [ "$st" = Z ]
}

finish() { [ "$n_fail" -eq 0 ]; }
