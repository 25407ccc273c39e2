#!/bin/sh
# The README's test command: install dependencies, build, run every test,
# print "N passed, N failed, N skipped" and exit non-zero on any failure.
set -e
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
rc=0
make -j"$(nproc)" check >/tmp/vireo-check.log 2>&1 || rc=$?
grep -E '^(PASS|FAIL|ERROR|SKIP|XPASS|XFAIL):' /tmp/vireo-check.log || true
if [ $rc -ne 0 ]; then
    for f in $(grep -lE '^:test-result: (FAIL|ERROR|XPASS)' $(find . -name '*.trs')); do
        echo "==== ${f%.trs}.log"; tail -n 40 "${f%.trs}.log"
    done
    tail -n 20 /tmp/vireo-check.log
fi
sh tests/summary.sh . || rc=1
exit $rc
