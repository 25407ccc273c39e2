# tests for validate: schemas/domain.rng, domain_validate.c, `vireo validate`
check_PROGRAMS += tests/test-validate-schema tests/test-validate \
	tests/test-validate-formatted
TESTS += tests/test-validate-schema tests/test-validate \
	tests/test-validate-formatted tests/validate-cli.sh \
	tests/fuzz-domain.sh
tests_test_validate_schema_SOURCES = tests/test-validate-schema.c
tests_test_validate_schema_LDADD = $(CONF_LIBS)
tests_test_validate_SOURCES = tests/test-validate.c
tests_test_validate_LDADD = $(CONF_LIBS)
tests_test_validate_formatted_SOURCES = tests/test-validate-formatted.c
tests_test_validate_formatted_LDADD = $(CONF_LIBS)
EXTRA_DIST += tests/validate tests/validate-cli.sh tests/fuzz-domain.sh \
	tests/fuzz/fuzz-domain-parse.c tests/fuzz/corpus

# libFuzzer target: clang with -fsanitize=fuzzer,address,undefined over the
# util + conf sources themselves (not the gcc-built libraries), so every
# line of the parser is instrumented. tests/fuzz-domain.sh runs it.
if HAVE_CLANG
FUZZ_DOMAIN_FILES = $(filter %.c,$(src_util_libvireo_util_a_SOURCES) \
	$(src_conf_libvireo_conf_a_SOURCES))
tests/fuzz/fuzz-domain-parse$(EXEEXT): $(srcdir)/tests/fuzz/fuzz-domain-parse.c \
		$(FUZZ_DOMAIN_FILES:%=$(srcdir)/%) config.h
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(CLANG) -g -O1 -fno-omit-frame-pointer \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		$(DEFS) $(DEFAULT_INCLUDES) $(AM_CPPFLAGS) $(DEPS_CFLAGS) -o $@ \
		$(srcdir)/tests/fuzz/fuzz-domain-parse.c \
		$(FUZZ_DOMAIN_FILES:%=$(srcdir)/%) $(DEPS_LIBS) -lm
check_DATA = tests/fuzz/fuzz-domain-parse$(EXEEXT)
CLEANFILES += tests/fuzz/fuzz-domain-parse$(EXEEXT)
endif
