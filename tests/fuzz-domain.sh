#!/bin/sh
# TAP: the libFuzzer target over its seed corpus (every file once), then a
# short bounded run of new inputs from a copy of the corpus. Any crash, leak,
# sanitizer report or round-trip failure fails the test. Skips with the
# reason when the target was not built (clang missing at configure time).
set -u
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
build=${abs_top_builddir:-$src}
fuzz=$build/tests/fuzz/fuzz-domain-parse
echo "1..2"
if [ ! -x "$fuzz" ]; then
    echo "ok 1 # SKIP fuzz target not built: clang with libFuzzer was not found by configure"
    echo "ok 2 # SKIP fuzz target not built: clang with libFuzzer was not found by configure"
    exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export VIREO_SCHEMADIR="$src/schemas"
export ASAN_OPTIONS="detect_leaks=1"
export G_SLICE=always-malloc            # GSlice would hide a leaked GList or GHashTable
# glib has no frame pointers: a failing input is re-run with slow unwinding
# (too slow for the whole run) so the report shows the whole stack.
explain() {
    for a in "$tmp"/crash-* "$tmp"/leak-* "$tmp"/timeout-* "$tmp"/oom-*; do
        [ -f "$a" ] || continue
        echo "# input ($a):"; head -c 2000 "$a" | sed 's/^/#   /'; echo
        ASAN_OPTIONS="fast_unwind_on_malloc=0:detect_leaks=1" "$fuzz" "$a" 2>&1 |
            grep -E '^ *#[0-9]+ .*(vireo|domain_|src/)|SUMMARY|ERROR' | head -30 | sed 's/^/# /'
    done
}
if "$fuzz" -runs=0 -artifact_prefix="$tmp/" "$src/tests/fuzz/corpus" >"$tmp/log1" 2>&1; then
    echo "ok 1 - every corpus file parses without crash, leak or undefined behaviour"
else
    echo "not ok 1 - the corpus makes the parser fail"; grep -v '^#\|^INFO' "$tmp/log1" | head -40 | sed 's/^/# /'
    explain
fi
mkdir "$tmp/corpus"; cp "$src"/tests/fuzz/corpus/* "$tmp/corpus/"
if "$fuzz" -runs=5000 -seed=4711 -max_len=8192 -timeout=20 -rss_limit_mb=2048 \
        -artifact_prefix="$tmp/" "$tmp/corpus" >"$tmp/log2" 2>&1; then
    echo "ok 2 - 5000 mutated inputs: no crash, leak or undefined behaviour"
else
    echo "not ok 2 - a mutated input makes the parser fail"; grep -v '^#\|^INFO' "$tmp/log2" | tail -15 | sed 's/^/# /'
    explain
fi
