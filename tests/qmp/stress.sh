#!/bin/sh
# TAP: a seeded, randomized lifecycle stress test of vireo-vmm over QMP
# (tests/qmp/stress.py; VIREO_STRESS_SEED=N replays a run).
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${abs_top_builddir:-$(pwd)}
if ! command -v python3 >/dev/null 2>&1; then
    echo "1..0 # SKIP python3 is not installed"; exit 0
fi
exec python3 "$src/tests/qmp/stress.py" "$src" "$build"
