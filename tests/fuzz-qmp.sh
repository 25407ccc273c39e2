#!/bin/sh
# TAP: the QMP input libFuzzer target (tests/fuzz/fuzz-qmp-stream.c) over
# its seed corpus (every file once), then a bounded run of new inputs from
# a copy of the corpus with a fixed seed. Any crash, leak, sanitizer report
# or broken property (replies, read-back, splits) fails the test. Skips
# with the reason when the target was not built (clang missing at
# configure time).
set -u
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
build=${abs_top_builddir:-$src}
fuzz=$build/tests/fuzz/fuzz-qmp-stream
corpus=$src/tests/fuzz/qmp-corpus
runs=6000
echo "1..2"
if [ ! -x "$fuzz" ]; then
    echo "ok 1 # SKIP fuzz target not built: clang with libFuzzer was not found by configure"
    echo "ok 2 # SKIP fuzz target not built: clang with libFuzzer was not found by configure"
    exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS="detect_leaks=1"
# json-glib's nodes and objects are GSlice allocations: without this a
# leaked one stays in GSlice's magazines, out of LeakSanitizer's sight.
export G_SLICE=always-malloc
# glib has no frame pointers: a failing input is re-run with slow unwinding
# (too slow for the whole run) so the report shows the whole stack.
explain() {
    for a in "$tmp"/crash-* "$tmp"/leak-* "$tmp"/timeout-* "$tmp"/oom-*; do
        [ -f "$a" ] || continue
        echo "# input ($a):"; head -c 2000 "$a" | od -c | head -40 | sed 's/^/#   /'
        ASAN_OPTIONS="fast_unwind_on_malloc=0:detect_leaks=1" "$fuzz" "$a" 2>&1 |
            grep -E '^ *#[0-9]+ .*(/src/|fuzz-qmp-stream\.c)|^fuzz-qmp-stream:|SUMMARY|ERROR' |
            head -30 | sed 's/^/# /'
    done
}
if "$fuzz" -runs=0 -artifact_prefix="$tmp/" "$corpus" >"$tmp/log1" 2>&1; then
    echo "ok 1 - every corpus file goes through the QMP input path without crash, leak or undefined behaviour"
else
    echo "not ok 1 - a corpus file makes the QMP input path fail"
    grep -v '^#\|^INFO' "$tmp/log1" | head -40 | sed 's/^/# /'
    explain
fi
# -max_len: a little over the target's 4 KiB message limit, so inputs
# reach "JSON token size limit exceeded" and what follows it.
mkdir "$tmp/corpus"; cp "$corpus"/* "$tmp/corpus/"
if "$fuzz" -runs=$runs -seed=4711 -max_len=5120 -timeout=20 -rss_limit_mb=2048 \
        -artifact_prefix="$tmp/" "$tmp/corpus" >"$tmp/log2" 2>&1; then
    echo "ok 2 - $runs mutated inputs: no crash, leak or undefined behaviour"
else
    echo "not ok 2 - a mutated input makes the QMP input path fail"
    grep -v '^#\|^INFO' "$tmp/log2" | tail -15 | sed 's/^/# /'
    explain
fi
