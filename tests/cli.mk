# tests for src/cli: TAP scripts, each under its own
# vireo:///embed?root=$(mktemp -d) store (tests/cli/lib.sh).
CLI_TESTS = tests/cli/store.sh tests/cli/lifecycle.sh tests/cli/events.sh \
	tests/cli/readiness.sh \
	tests/cli/concurrency.sh tests/cli/console.sh tests/cli/virsh-compare.sh \
	tests/cli/verbs.sh
TESTS += $(CLI_TESTS)
EXTRA_DIST += $(CLI_TESTS) tests/cli/lib.sh tests/cli/idle.c

# The idle test guest (tests/cli/idle.c) is built like tests/guest's guests,
# from their library, so the lifecycle tests have a guest that stays up.
# GUEST_* come from tests/guest/local.mk, included later: they are only
# used in recipes, which make expands when it runs them.
$(CLI_TESTS:.sh=.log): tests/cli/idle.elf
tests/cli/idle.elf: $(top_srcdir)/tests/cli/idle.c
	@$(MKDIR_P) tests/cli
	@$(MAKE) $(AM_MAKEFLAGS) $(GUEST_LIB_OBJS)
	$(AM_V_CC)$(CC) $(GUEST_CFLAGS) -c -o tests/cli/idle.guest.o $(top_srcdir)/tests/cli/idle.c
	$(AM_V_CCLD)$(CC) $(GUEST_CFLAGS) $(GUEST_LINK_FLAGS) -o $@ tests/cli/idle.guest.o $(GUEST_LIB_OBJS)
CLEANFILES += tests/cli/idle.elf tests/cli/idle.guest.o

# The store, the live XML and the event log as units.
check_PROGRAMS += tests/test-cli-store
TESTS += tests/test-cli-store
tests_test_cli_store_SOURCES = tests/test-cli-store.c src/cli/store.c \
	src/cli/runtime.c src/cli/launch.c src/cli/events.c src/cli/qmp-client.c
tests_test_cli_store_LDADD = $(UTIL_LIBS)
