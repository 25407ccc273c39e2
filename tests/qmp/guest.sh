#!/bin/sh
# TAP: the ticker guest under QMP control (tests/qmp/guest.py).
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${abs_top_builddir:-$(pwd)}
if ! command -v python3 >/dev/null 2>&1; then
    echo "1..0 # SKIP python3 is not installed"; exit 0
fi
exec python3 "$src/tests/qmp/guest.py" "$src" "$build"
