#!/bin/sh
# bench/mem: resident memory of each VMM process outside guest RAM, with the
# same guest booted and halted (method: bench/boot/bench.py, smaps_outside_ram).
# Usage: run.sh BUILDDIR
exec python3 "$(dirname "$0")/../boot/bench.py" mem "${1:-.}"
