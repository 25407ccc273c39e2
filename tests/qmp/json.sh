#!/bin/sh
# TAP test: src/util/vireo-json.c (json-glib's API as vireo-vmm links it)
# behaves as json-glib does. tests/qmp/json-api is built against each and
# run on schemas/qmp.json (the document vireo-vmm parses with it) and on the
# API cases it holds; the two transcripts must be identical, line by line.
set -u
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${abs_top_builddir:-$src}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo "1..3"
"$build/tests/qmp/json-api-glib" "$src/schemas/qmp.json" >"$tmp/glib" 2>"$tmp/glib.err"
rc_glib=$?
"$build/tests/qmp/json-api-vireo" "$src/schemas/qmp.json" >"$tmp/vireo" 2>"$tmp/vireo.err"
rc_vireo=$?
lines=$(wc -l <"$tmp/glib")
if [ "$rc_glib" = 0 ] && [ "$lines" -ge 20 ] && grep -q '^qmp.json: {' "$tmp/glib"; then
    echo "ok 1 - json-glib's transcript: $lines lines, schema parsed"
else
    echo "not ok 1 - json-glib's transcript (rc $rc_glib, $lines lines)"
    sed 's/^/# /' "$tmp/glib.err" | head
fi
if [ "$rc_vireo" = 0 ] && [ ! -s "$tmp/vireo.err" ]; then
    echo "ok 2 - vireo-json ran cleanly (no criticals)"
else
    echo "not ok 2 - vireo-json ran cleanly (rc $rc_vireo)"
    sed 's/^/# /' "$tmp/vireo.err" | head
fi
if cmp -s "$tmp/glib" "$tmp/vireo"; then
    echo "ok 3 - vireo-json's transcript is json-glib's"
else
    echo "not ok 3 - vireo-json's transcript is json-glib's"
    diff "$tmp/glib" "$tmp/vireo" | cut -c1-300 | sed 's/^/# /' | head -30
fi
