#!/bin/sh
# The README's test command: install dependencies, build, run every test in
# a build under AddressSanitizer and UBSan (configure --enable-sanitizers, in
# ${VIREO_SAN_BUILD:-_build-san}, leak checking on; VIREO_SANITIZERS_PASS=no
# leaves it out), then again in the ordinary build. Prints "N passed,
# N failed, N skipped" for each, the ordinary build's last, and exits
# non-zero on any failure in either.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
build=${VIREO_BUILD:-$top/_build}
san=${VIREO_SAN_BUILD:-$top/_build-san}
"$top/scripts/install-deps.sh"
"$top/scripts/build.sh"

# run_suite DIR VERBOSE: make check in DIR; every result line when VERBOSE
# is yes, the failures' logs always.
run_suite() {
    r=0
    (cd "$1" && make -j"$(nproc)" check >check-output.log 2>&1) || r=$?
    if [ "$2" = yes ]; then
        grep -E '^(PASS|FAIL|ERROR|SKIP|XPASS|XFAIL):' "$1/check-output.log" || true
    else
        grep -E '^(FAIL|ERROR|XPASS):' "$1/check-output.log" || true
    fi
    if [ $r -ne 0 ]; then
        for f in $(grep -lE '^:test-result: (FAIL|ERROR|XPASS)' $(find "$1" -name '*.trs') /dev/null); do
            echo "==== ${f%.trs}.log"; tail -n 60 "${f%.trs}.log"
        done
        tail -n 30 "$1/check-output.log"
    fi
    return $r
}

rc=0
if [ "${VIREO_SANITIZERS_PASS:-yes}" != no ]; then
    mkdir -p "$san"
    (cd "$san" && { [ -f Makefile ] || "$top/configure" --enable-sanitizers >/dev/null; } &&
        make -j"$(nproc)" >/dev/null) || rc=1
    if [ $rc -eq 0 ]; then
        echo "==== the test suite under AddressSanitizer and UBSan ($san)"
        # GSlice would hide leaked GLib and json-glib objects from LSan.
        G_SLICE=always-malloc ASAN_OPTIONS=detect_leaks=1 run_suite "$san" no || rc=1
        printf "under the sanitizers: "
        sh "$top/tests/summary.sh" "$san" || rc=1
    else
        echo "the sanitizer build in $san failed"
    fi
fi
echo "==== the test suite ($build)"
run_suite "$build" yes || rc=1
sh "$top/tests/summary.sh" "$build" || rc=1
exit $rc
