#!/bin/sh
# The test guests on the reference VMM: each domain of tests/guest/domains
# turned into qemu-system-x86_64 arguments (PVH boot, -M microvm) and run to
# its end. Proves the guests and their expectations before vireo runs them.
. "$(dirname "$0")/e2e-lib.sh"
require_common
QEMU=${QEMU:-qemu-system-x86_64}
command -v "$QEMU" >/dev/null 2>&1 || skip_all "$QEMU not installed"

for name in hello hello-stdio basic smp smp-dies cpu-model clock-variable reset-cf9 reset-triple-fault reset-acpi-reset; do
    instantiate "$name"
    args=$E2E_TMP/$name.args
    $DOMAIN_TOOL qemu-args "$XML" > "$args"
    t0=$(date +%s)
    # One argument per line: read them back without word splitting.
    (set -f; IFS='
'; exec timeout "$E2E_TIMEOUT" "$QEMU" $(cat "$args")) > "$E2E_TMP/$name.out" 2>&1
    rc=$?
    t1=$(date +%s)
    tap_ok $rc "qemu $name: exits with status 0 at the guest's end" \
        "status $rc; $(tail -n 3 "$E2E_TMP/$name.out")"
    guest_output_to_tap qemu "$name" "$E2E_TMP/$name.out" "$t0" "$t1"
done
tap_done
