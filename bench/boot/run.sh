#!/bin/sh
# bench/boot: median exec -> exit time of a guest that powers off at once,
# vireo-vmm vs qemu-system-x86_64 -M microvm, interleaved in the same run.
# Usage: run.sh BUILDDIR [N]   (N runs each, default $BENCH_N or 20)
exec python3 "$(dirname "$0")/bench.py" boot "${1:-.}" ${2:+"$2"}
