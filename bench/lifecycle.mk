# bench/lifecycle: define -> start -> first serial line -> destroy -> undefine
# with vireo, with virsh's test driver (the steps it has), and with libvirt
# + QEMU through qemu:///embed when the QEMU driver is installed.
VIREO_BENCH_RUN += bench/lifecycle/run.sh
EXTRA_DIST += bench/lifecycle/run.sh bench/lifecycle/cycle.py bench/lifecycle/ab.py \
	bench/lifecycle/phases.py
