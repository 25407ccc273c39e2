# bench/qmp: QMP readiness and round trip, vireo-vmm against QEMU
noinst_PROGRAMS += bench/qmp/qmp-bench
bench_qmp_qmp_bench_SOURCES = bench/qmp/qmp-bench.c
bench_qmp_qmp_bench_LDADD = $(UTIL_LIBS)
VIREO_BENCH_RUN += bench/qmp/run.sh
EXTRA_DIST += bench/qmp/run.sh
