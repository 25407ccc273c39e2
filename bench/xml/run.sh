#!/bin/sh
# bench/xml: vireo vs libvirt's test driver on domains/*.xml (docs/s, ratio).
# Usage: run.sh ABS_TOP_BUILDDIR [bench-xml options]
build=${1:?usage: run.sh ABS_TOP_BUILDDIR}; shift
src=$(cd "$(dirname "$0")/../.." && pwd)
bin=$build/bench/xml/bench-xml
if [ ! -x "$bin" ]; then
    echo "bench/xml: skipped: $bin not built (needs libvirt-dev at configure time)"
    exit 0
fi
VIREO_SCHEMADIR=${VIREO_SCHEMADIR:-$src/schemas} exec "$bin" "$@" "$src"/domains/*.xml
