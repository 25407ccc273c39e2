#!/bin/sh
# TAP: for each ACPI test configuration, dump every table vireo builds,
# decode each with `iasl -d` (acpica-tools) and fail on any error or warning
# in the decode, check the RSDP (which iasl cannot decode from a bare file)
# with its two checksums, recompile the decoded DSDT with warnings as errors,
# and check that the decoded MADT lists exactly the expected APIC IDs.
set -u
dump=${abs_top_builddir:-$(pwd)}/tests/hw/acpi-dump
if ! command -v iasl >/dev/null 2>&1; then
    echo "1..0 # SKIP iasl (acpica-tools) is not installed"
    exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "1..0 # SKIP python3 is not installed"
    exit 0
fi
configs=$("$dump" --list) || { echo "1..0 # SKIP $dump does not run"; exit 0; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0
for c in $configs; do n=$((n + 4)); done
echo "1..$n"
t=0
ok() { t=$((t + 1)); echo "ok $t - $1"; }
notok() { t=$((t + 1)); echo "not ok $t - $1"; shift; for l in "$@"; do echo "# $l"; done; }

for c in $configs; do
    d=$tmp/$c; mkdir -p "$d"
    if ! "$dump" "$c" "$d" 2>"$d/dump.err"; then
        notok "$c: tables built" "$(cat "$d/dump.err")"
        t=$((t + 3)); continue    # keep the plan: the rest cannot run
    fi
    bad=""
    for f in "$d"/*.dat; do
        s=$(basename "$f" .dat)
        [ "$s" = RSDP ] && continue
        if ! (cd "$d" && iasl -d "$s.dat" >"$s.log" 2>&1); then
            bad="$bad $s(rc)"; continue
        fi
        # The decoder reports problems as "Error"/"Warning" lines or inline
        # "****" markers (bad checksum, truncated structure, unknown type).
        if grep -qiE 'error|warning|invalid|\*\*\*\*' "$d/$s.log" "$d/$s.dsl"; then
            bad="$bad $s"
            grep -hiE 'error|warning|invalid|\*\*\*\*' "$d/$s.log" "$d/$s.dsl" | sed 's/^/#   /'
        fi
    done
    count=$(ls "$d"/*.dsl 2>/dev/null | wc -l)
    if [ -z "$bad" ] && [ "$count" -ge 5 ]; then
        ok "$c: iasl -d decodes all $count tables without errors or warnings"
    else
        notok "$c: iasl -d decodes every table cleanly" "problems in:$bad ($count decoded)"
    fi

    if msg=$(python3 - "$d/RSDP.dat" <<'PY'
import sys
r = open(sys.argv[1], 'rb').read()
assert len(r) == 36, 'length %d' % len(r)
assert r[:8] == b'RSD PTR ', 'signature'
assert sum(r[:20]) % 256 == 0, 'ACPI 1.0 checksum'
assert sum(r) % 256 == 0, 'extended checksum'
assert r[15] == 2, 'revision %d' % r[15]
assert int.from_bytes(r[20:24], 'little') == 36, 'length field'
assert int.from_bytes(r[24:32], 'little') != 0, 'no XSDT address'
PY
    ); then
        ok "$c: RSDP signature, revision 2 and both checksums"
    else
        notok "$c: RSDP signature, revision 2 and both checksums" "$msg"
    fi

    if (cd "$d" && iasl -we -p "$d/recompiled" DSDT.dsl >recompile.log 2>&1); then
        ok "$c: the decoded DSDT recompiles with warnings as errors"
    else
        notok "$c: the decoded DSDT recompiles with warnings as errors" \
            "$(grep -E 'Error|Warning' "$d/recompile.log" | head -5)"
    fi

    # "Local Apic ID : 03" and "Processor x2Apic ID : 0000012C", in order.
    got=$(sed -n 's/.*Local Apic ID : \([0-9A-F]*\).*/\1/p; s/.*Processor x2Apic ID : \([0-9A-F]*\).*/\1/p' \
          "$d/APIC.dsl" | while read -r h; do printf '%d\n' "0x$h"; done)
    want=$(cat "$d/expected-apic-ids")
    if [ -n "$want" ] && [ "$got" = "$want" ]; then
        ok "$c: the decoded MADT lists exactly APIC IDs $(echo $want)"
    else
        notok "$c: the decoded MADT lists exactly the expected APIC IDs" \
            "want: $(echo $want)" "got: $(echo $got)"
    fi
done
