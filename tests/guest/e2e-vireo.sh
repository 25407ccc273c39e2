#!/bin/sh
# The test guests on vireo-vmm: each domain of tests/guest/domains runs to
# its end; every PASS/FAIL line the guest prints becomes a TAP line, and the
# way the VMM ended (exit status, final log line) is checked against what
# the guest did (ACPI power-off, or a reset under on_reboot='destroy').
. "$(dirname "$0")/e2e-lib.sh"
require_common
[ -n "$VIREO_VMM" ] || VIREO_VMM=$abs_top_builddir/src/vireo-vmm
[ -x "$VIREO_VMM" ] || skip_all "vireo-vmm not built ($VIREO_VMM)"

for name in hello hello-stdio basic smp smp-dies cpu-model clock-variable reset-cf9 reset-triple-fault reset-acpi-reset; do
    instantiate "$name"
    t0=$(date +%s)
    timeout "$E2E_TIMEOUT" "$VIREO_VMM" --domain "$XML" \
        > "$E2E_TMP/$name.out" 2> "$E2E_TMP/$name.err"
    rc=$?
    t1=$(date +%s)
    last=$(grep -v '^[[:space:]]*$' "$E2E_TMP/$name.err" | tail -n 1)
    case $($DOMAIN_TOOL get "$XML" exit) in
    poweroff) what="guest power-off"; pattern='power-\{0,1\}off\|guest-shutdown' ;;
    *) what="guest reset with on_reboot=destroy"; pattern='reset' ;;
    esac
    tap_ok $rc "vireo $name: exits with status 0 at the guest's end" \
        "status $rc; stderr: $(tail -n 3 "$E2E_TMP/$name.err")"
    # Quoted parts (the domain name, 'guest-reset-cf9') must not match.
    printf '%s\n' "$last" | sed "s/'[^']*'//g" | grep -v 'failed' | grep -qi "$pattern"
    tap_ok $? "vireo $name: final log line reports the $what" "final line: $last"
    guest_output_to_tap vireo "$name" "$E2E_TMP/$name.out" "$t0" "$t1"
done
tap_done
