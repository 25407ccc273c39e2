# bench/boot and bench/mem: vireo-vmm against QEMU microvm on the same test
# guest (tests/guest): boot-to-power-off time and memory outside guest RAM.
VIREO_BENCH_RUN += bench/boot/run.sh bench/mem/run.sh
EXTRA_DIST += bench/boot/run.sh bench/boot/bench.py bench/mem/run.sh bench/boot/tiny-check.sh
# Not a benchmark: checks that the benchmark's guest and commands work.
TESTS += bench/boot/tiny-check.sh
