# tests/guest: freestanding test guests and the end-to-end tests of the KVM
# runtime (docs/test-guests.md). The guests are built with the project's
# compiler but none of its flags: no libc, no PIC, linked at 1 MiB by
# guest.ld, with a PVH note (QEMU) and a 64-bit ELF entry (vireo).
GUEST_CFLAGS = -O2 -g -std=gnu11 -m64 -ffreestanding -nostdlib -fno-pic -fno-pie \
	-mno-red-zone -mgeneral-regs-only -fno-stack-protector -fno-builtin \
	-fno-asynchronous-unwind-tables -fcf-protection=none -mcmodel=small \
	-Wall -Wextra -I$(top_srcdir)/tests/guest/lib
GUEST_LINK_FLAGS = -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,max-page-size=4096 -Wl,-z,noexecstack -Wl,-T,$(top_srcdir)/tests/guest/guest.ld
GUEST_HDRS = $(top_srcdir)/tests/guest/lib/guest.h $(top_srcdir)/tests/guest/lib/boot-defs.h
GUEST_LIB_OBJS = $(addprefix tests/guest/lib/,$(addsuffix .guest.o, \
	entry trampoline isr start string serial printf report bootinfo cmdline \
	timer rtc acpi irq smp cpu))
GUEST_ELFS = tests/guest/hello.elf tests/guest/check.elf tests/guest/tiny.elf

tests/guest/lib/%.guest.o: $(top_srcdir)/tests/guest/lib/%.c $(GUEST_HDRS)
	@$(MKDIR_P) tests/guest/lib
	$(AM_V_CC)$(CC) $(GUEST_CFLAGS) -c -o $@ $<
tests/guest/lib/%.guest.o: $(top_srcdir)/tests/guest/lib/%.S $(GUEST_HDRS)
	@$(MKDIR_P) tests/guest/lib
	$(AM_V_CC)$(CC) $(GUEST_CFLAGS) -c -o $@ $<
tests/guest/%.guest.o: $(top_srcdir)/tests/guest/%.c $(GUEST_HDRS)
	@$(MKDIR_P) tests/guest
	$(AM_V_CC)$(CC) $(GUEST_CFLAGS) -c -o $@ $<
tests/guest/%.elf: tests/guest/%.guest.o $(GUEST_LIB_OBJS) $(top_srcdir)/tests/guest/guest.ld
	$(AM_V_CCLD)$(CC) $(GUEST_CFLAGS) $(GUEST_LINK_FLAGS) -o $@ $< $(GUEST_LIB_OBJS)

# tiny.elf (bench/boot's guest) links no library: its own entry points
# (tiny-entry.S) and tiny.c, the fewest guest instructions for its job.
TINY_OBJS = tests/guest/tiny.guest.o tests/guest/tiny-entry.guest.o
tests/guest/tiny-entry.guest.o: $(top_srcdir)/tests/guest/tiny-entry.S
	@$(MKDIR_P) tests/guest
	$(AM_V_CC)$(CC) $(GUEST_CFLAGS) -c -o $@ $<
tests/guest/tiny.elf: $(TINY_OBJS) $(top_srcdir)/tests/guest/guest.ld
	$(AM_V_CCLD)$(CC) $(GUEST_CFLAGS) $(GUEST_LINK_FLAGS) -o $@ $(TINY_OBJS)
# tiny.c's AML reading (\_S5 walk and scan), run on the host: TAP. It
# includes tiny.c, which is therefore not in its SOURCES.
check_PROGRAMS += tests/guest/tiny-aml-test
TESTS += tests/guest/tiny-aml-test
tests_guest_tiny_aml_test_SOURCES = tests/guest/tiny-aml-test.c
tests_guest_tiny_aml_test_CPPFLAGS = -I$(top_srcdir)/tests/guest

# Installed so `vireo` users can boot them: <kernel>.../guests/hello.elf.
guestsdir = $(pkglibexecdir)/guests
guests_DATA = $(GUEST_ELFS)
CLEANFILES += $(GUEST_ELFS) $(GUEST_LIB_OBJS) tests/guest/hello.guest.o tests/guest/check.guest.o \
	tests/guest/tiny.guest.o tests/guest/tiny-entry.guest.o
# The library's sources by name, not the directory: the build directory's
# tests/guest/lib holds the objects, which dist would otherwise ship.
EXTRA_DIST += tests/guest/guest.ld tests/guest/hello.c tests/guest/check.c tests/guest/tiny.c \
	tests/guest/tiny-entry.S $(wildcard $(srcdir)/tests/guest/lib/*.[chS]) tests/guest/domains
# Keep the objects: they are intermediate to the pattern rules above.
.SECONDARY: $(GUEST_LIB_OBJS) tests/guest/hello.guest.o tests/guest/check.guest.o \
	tests/guest/tiny.guest.o tests/guest/tiny-entry.guest.o

# End-to-end: the same domains on vireo-vmm and on QEMU (the reference).
TESTS += tests/guest/e2e-vireo.sh tests/guest/e2e-qemu.sh
EXTRA_DIST += tests/guest/e2e-lib.sh tests/guest/e2e-vireo.sh \
	tests/guest/e2e-qemu.sh tests/guest/domain-tool.py
