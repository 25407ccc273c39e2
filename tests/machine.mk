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
