#!/bin/sh
# The README's test command: install dependencies, build, run every test,
# print "N passed, N failed, N skipped" and exit non-zero on any failure.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
build=${VIREO_BUILD:-$top/_build}
"$top/scripts/install-deps.sh"
"$top/scripts/build.sh"
cd "$build"
rc=0
make -j"$(nproc)" check >check-output.log 2>&1 || rc=$?
grep -E '^(PASS|FAIL|ERROR|SKIP|XPASS|XFAIL):' check-output.log || true
if [ $rc -ne 0 ]; then
    for f in $(grep -lE '^:test-result: (FAIL|ERROR|XPASS)' $(find . -name '*.trs') /dev/null); do
        echo "==== ${f%.trs}.log"; tail -n 60 "${f%.trs}.log"
    done
    tail -n 30 check-output.log
fi
sh "$top/tests/summary.sh" . || rc=1
exit $rc
