# tests for src/qmp
# Every test here that runs a command drives the real VMM (no stand-in:
# docs/qmp.md, "Tests"); the fuzz target stops before commands run.
check_PROGRAMS += tests/test-qmp
TESTS += tests/test-qmp
tests_test_qmp_SOURCES = tests/test-qmp.c
tests_test_qmp_LDADD = $(QMP_LIBS)
# the real VMM runs the ticker guest
EXTRA_tests_test_qmp_DEPENDENCIES = tests/qmp/ticker.elf

# libFuzzer target for what vireo-vmm does with bytes from a QMP client
# short of running a command: the streamer, the request checks, the
# schema's argument checks and the reply writer. Those sources themselves
# are built with clang (-fsanitize=fuzzer,address,undefined), so every line
# is instrumented; the rest of src/qmp needs a VM and is left out.
# tests/fuzz-qmp.sh runs it on tests/fuzz/qmp-corpus.
TESTS += tests/fuzz-qmp.sh
EXTRA_DIST += tests/fuzz-qmp.sh tests/fuzz/fuzz-qmp-stream.c tests/fuzz/qmp-corpus
if HAVE_CLANG
FUZZ_QMP_FILES = src/qmp/qmp-json-stream.c src/qmp/qmp-json-writer.c \
	src/qmp/qmp-schema.c src/qmp/qmp-request.c
tests/fuzz/fuzz-qmp-stream$(EXEEXT): $(srcdir)/tests/fuzz/fuzz-qmp-stream.c \
		$(FUZZ_QMP_FILES:%=$(srcdir)/%) $(srcdir)/src/qmp/qmp-private.h \
		$(srcdir)/src/qmp/qmp-json.h $(srcdir)/src/qmp/qmp-schema.h \
		src/qmp/qmp-resources.c config.h
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(CLANG) -g -O1 -fno-omit-frame-pointer \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		$(DEFS) $(DEFAULT_INCLUDES) $(AM_CPPFLAGS) $(DEPS_CFLAGS) -o $@ \
		$(srcdir)/tests/fuzz/fuzz-qmp-stream.c $(FUZZ_QMP_FILES:%=$(srcdir)/%) \
		src/qmp/qmp-resources.c $(GLIB_DEPS_LIBS) -lm
check_DATA += tests/fuzz/fuzz-qmp-stream$(EXEEXT)
CLEANFILES += tests/fuzz/fuzz-qmp-stream$(EXEEXT)
endif

# ticker.elf: a test guest that counts on the serial port and obeys the
# ACPI power button (built like tests/guest's guests, from their library).
tests/qmp/ticker.guest.o: $(top_srcdir)/tests/qmp/ticker.c $(GUEST_HDRS)
	@$(MKDIR_P) tests/qmp
	$(AM_V_CC)$(CC) $(GUEST_CFLAGS) -c -o $@ $<
tests/qmp/ticker.elf: tests/qmp/ticker.guest.o $(GUEST_LIB_OBJS) $(top_srcdir)/tests/guest/guest.ld
	$(AM_V_CCLD)$(CC) $(GUEST_CFLAGS) $(GUEST_LINK_FLAGS) -o $@ $< $(GUEST_LIB_OBJS)
CLEANFILES += tests/qmp/ticker.elf tests/qmp/ticker.guest.o

# Shell/Python TAP tests; they need vireo-vmm and the ticker guest built.
QMP_SCRIPT_TESTS = tests/qmp/conformance.sh tests/qmp/npm-client.sh tests/qmp/socat.sh \
	tests/qmp/guest.sh tests/qmp/stress.sh
TESTS += $(QMP_SCRIPT_TESTS)
tests/qmp/conformance.log tests/qmp/npm-client.log tests/qmp/socat.log tests/qmp/guest.log \
	tests/qmp/stress.log: tests/qmp/ticker.elf src/vireo-vmm
EXTRA_DIST += $(QMP_SCRIPT_TESTS) tests/qmp/conformance.py tests/qmp/qmpconf.py \
	tests/qmp/conformance.expected tests/qmp/ticker.c tests/qmp/ticker.xml \
	tests/qmp/npm-client.js tests/qmp/guest.py tests/qmp/stress.py docs/qmp.md

# vireo-vmm's start-up path: locale, VIREO_STARTUP_TRACE, greeting.
TESTS += tests/vmm-startup.sh
EXTRA_DIST += tests/vmm-startup.sh
tests/vmm-startup.log: tests/qmp/ticker.elf src/vireo-vmm
