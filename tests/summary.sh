#!/bin/sh
# Prints the closing line CI reads: "N passed, N failed, N skipped", counted
# from automake's per-test .trs files (every TAP result line, not per binary).
top=${1:-.}
pass=0; fail=0; skip=0
for trs in $(find "$top" -name '*.trs' 2>/dev/null); do
    p=$(grep -c '^:test-result: PASS' "$trs"); f=$(grep -c '^:test-result: \(FAIL\|XPASS\|ERROR\)' "$trs")
    s=$(grep -c '^:test-result: SKIP' "$trs")
    pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
