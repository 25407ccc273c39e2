#!/bin/sh
# bench/lifecycle/run.sh BUILDDIR: see cycle.py. VIREO_BENCH_CYCLES sets
# the number of vireo cycles (default 30).
set -e
build=${1:-$(pwd)}
[ -e "$build/tests/cli/idle.elf" ] || make -C "$build" tests/cli/idle.elf >/dev/null
exec python3 "$(dirname "$0")/cycle.py" "$build"
