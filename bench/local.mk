# Benchmarks: `make bench` runs every script listed in VIREO_BENCH_RUN (each
# compares vireo with QEMU/libvirt in the same run and prints ratios). Never
# part of `make check`: timings do not belong in pass/fail tests.
VIREO_BENCH_RUN =
EXTRA_DIST += bench/benchlib.py
include bench/xml.mk
include bench/boot.mk
include bench/qmp.mk
include bench/lifecycle.mk
bench: all
	@for s in $(VIREO_BENCH_RUN); do echo "== $$s"; $(SHELL) $(top_srcdir)/$$s $(abs_top_builddir) || exit 1; done
.PHONY: bench
