# tests for src/machine
check_PROGRAMS += tests/test-machine
TESTS += tests/test-machine
tests_test_machine_SOURCES = tests/test-machine.c tests/machine/test-machine-def.h
tests_test_machine_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_test_machine_LDADD = $(MACHINE_LIBS)
TESTS += tests/test-machine-native.sh tests/test-machine-cli.sh tests/test-machine-memmap-qemu.sh \
	tests/test-machine-models-qemu.sh
EXTRA_DIST += tests/test-machine-native.sh tests/test-machine-cli.sh \
	tests/test-machine-memmap-qemu.sh tests/test-machine-models-qemu.sh tests/machine

# Every CPUID leaf of each named model as QEMU 7.2 gives it to a guest,
# against vireo's table: a test guest prints them (tests/machine/cpuid-dump.c,
# built with tests/guest's flags and library; hello.elf stands for the
# library objects, whose variable is defined after this fragment).
tests/machine/cpuid-dump.elf: $(top_srcdir)/tests/machine/cpuid-dump.c tests/guest/hello.elf
	@$(MKDIR_P) tests/machine
	$(AM_V_CCLD)$(CC) $(GUEST_CFLAGS) $(GUEST_LINK_FLAGS) -o $@ $< $(GUEST_LIB_OBJS)
tests/test-machine-cpuid-qemu.log: tests/machine/cpuid-dump.elf src/vireo
TESTS += tests/test-machine-cpuid-qemu.sh
EXTRA_DIST += tests/test-machine-cpuid-qemu.sh
CLEANFILES += tests/machine/cpuid-dump.elf

# host-passthrough run on vireo-vmm, checked by the test guest check.elf.
TESTS += tests/test-machine-passthrough-run.sh
EXTRA_DIST += tests/test-machine-passthrough-run.sh
tests/test-machine-passthrough-run.log: tests/guest/check.elf src/vireo-vmm
