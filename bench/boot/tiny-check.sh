#!/bin/sh
# The boot benchmark's guest does its job (TAP): tiny.elf prints its one
# line and powers off through ACPI under the exact vireo-vmm and QEMU
# commands bench/boot times, and reports a missing RSDP instead of hanging.
# No timings: those are bench/boot/run.sh's, never a pass/fail test.
: "${abs_top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${abs_top_builddir:=$abs_top_srcdir}"
command -v python3 >/dev/null 2>&1 || { echo "1..0 # SKIP python3 not installed"; exit 0; }
exec python3 "$abs_top_srcdir/bench/boot/bench.py" check "$abs_top_builddir"
