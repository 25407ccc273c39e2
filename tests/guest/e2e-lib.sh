# Shared by tests/guest/e2e-*.sh (sourced, not run): TAP output, domain
# instantiation, and turning a guest's serial log into TAP lines.
# Expects abs_top_srcdir / abs_top_builddir from the test environment
# (Makefile.am's AM_TESTS_ENVIRONMENT); falls back to the script's tree.

: "${abs_top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${abs_top_builddir:=$abs_top_srcdir}"
GUEST_SRC=$abs_top_srcdir/tests/guest
GUESTDIR=${VIREO_GUESTDIR:-$abs_top_builddir/tests/guest}
DOMAIN_TOOL="python3 $GUEST_SRC/domain-tool.py"
E2E_TIMEOUT=${E2E_TIMEOUT:-60}

tap_n=0
tap_failed=0
tap_ok() {      # tap_ok CONDITION-STATUS DESCRIPTION [DIAGNOSTIC]
    tap_n=$((tap_n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $tap_n - $2"
    else
        echo "not ok $tap_n - $2"
        tap_failed=$((tap_failed + 1))
        [ -n "$3" ] && printf '%s\n' "$3" | sed 's/^/# /'
    fi
    return 0
}
tap_skip() {
    tap_n=$((tap_n + 1))
    echo "ok $tap_n # SKIP $1"
}
tap_done() {
    echo "1..$tap_n"
    exit 0
}
skip_all() {
    echo "1..0 # SKIP $1"
    exit 0
}

require_common() {
    command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
    [ -r /dev/kvm ] && [ -w /dev/kvm ] || skip_all "/dev/kvm not accessible"
    for g in check hello; do
        [ -f "$GUESTDIR/$g.elf" ] || skip_all "test guest $GUESTDIR/$g.elf not built"
    done
}

E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vireo-e2e.XXXXXX")
trap 'rm -rf "$E2E_TMP"' EXIT

# A random initrd with an odd size, so a loader that rounds or truncates
# shows up in the size or the CRC.
INITRD=$E2E_TMP/initrd.bin
head -c $((200000 + $$ % 4096)) /dev/urandom > "$INITRD"

# instantiate NAME -> sets XML, SERIAL for tests/guest/domains/NAME.xml
instantiate() {
    XML=$E2E_TMP/$1.xml
    SERIAL=$E2E_TMP/$1.serial
    : > "$SERIAL"
    $DOMAIN_TOOL fill "$GUEST_SRC/domains/$1.xml" "$XML" "$GUESTDIR" "$SERIAL" "$INITRD"
}

# serial_to_tap PREFIX SERIAL-LOG: one TAP line per PASS/FAIL, plus one
# saying the guest finished its checks (its DONE line).
serial_to_tap() {
    prefix=$1 log=$2
    tr -d '\r' < "$log" > "$log.txt"
    while IFS= read -r line; do
        case $line in
        "PASS "*) tap_ok 0 "$prefix: ${line#PASS }" ;;
        "FAIL "*) rest=${line#FAIL }; tap_ok 1 "$prefix: ${rest%%:*}" "${rest#*: }" ;;
        esac
    done < "$log.txt"
    grep -q '^DONE ' "$log.txt"
    tap_ok $? "$prefix: guest finished its checks" "$(tail -n 5 "$log.txt")"
}

# rtc_to_tap PREFIX SERIAL-LOG T0 T1 ADJUST: the guest's RTC (seconds since
# the epoch) must lie within [T0, T1] + ADJUST, with 2 s of slack for the
# RTC's whole-second resolution.
rtc_to_tap() {
    epoch=$(sed -n 's/^RTC epoch=\([0-9]*\).*/\1/p' "$2.txt" | head -n 1)
    if [ -z "$epoch" ]; then
        tap_ok 1 "$1: RTC matches the host clock + $5 s" "the guest printed no RTC line"
        return
    fi
    lo=$(($3 + $5 - 2)) hi=$(($4 + $5 + 2))
    [ "$epoch" -ge "$lo" ] && [ "$epoch" -le "$hi" ]
    tap_ok $? "$1: RTC matches the host clock + $5 s" \
        "guest RTC $epoch, host window [$lo, $hi] ($(date -u -d "@$epoch" +%FT%TZ 2>/dev/null))"
}

# guest_output_to_tap TARGET NAME STDOUT T0 T1: what domain NAME's guest
# printed (on $SERIAL, or on the VMM's STDOUT for hello-stdio), the same
# checks for every target; T0/T1 bracket the run for the RTC check.
guest_output_to_tap() {
    case $2 in hello*)
        [ "$2" = hello-stdio ] && SERIAL=$3
        grep -q 'Hello from vireo!' "$SERIAL"
        tap_ok $? "$1 $2: greets on the serial port" "$(head -c 400 "$SERIAL")"
        return
    esac
    serial_to_tap "$1 $2" "$SERIAL"
    # check.c calibrates its TSC against PIT channel 0 before anything else.
    grep -q 'TSC [0-9]* kHz' "$SERIAL.txt" && ! grep -q 'the PIT did not count' "$SERIAL.txt"
    tap_ok $? "$1 $2: the TSC was calibrated against the PIT" \
        "$(grep -m 1 'TSC' "$SERIAL.txt")"
    case $2 in basic|clock-variable)
        rtc_to_tap "$1 $2" "$SERIAL" "$4" "$5" "$($DOMAIN_TOOL get "$XML" clock-adjust)" ;;
    esac
}
