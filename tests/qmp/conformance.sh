#!/bin/sh
# TAP: QMP conformance of vireo against QEMU 7.2 (tests/qmp/conformance.py).
src=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${abs_top_builddir:-$(pwd)}
if ! command -v python3 >/dev/null 2>&1; then
    echo "1..0 # SKIP python3 is not installed"
    exit 0
fi
exec python3 "$src/tests/qmp/conformance.py" "$src" "$build"
