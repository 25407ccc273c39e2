# tests for src/conf: xml2xml round trips, the libvirt oracle, parser units
check_PROGRAMS += tests/test-xml2xml
TESTS += tests/test-xml2xml
tests_test_xml2xml_SOURCES = tests/test-xml2xml.c tests/test-conf-common.c tests/test-conf-common.h
tests_test_xml2xml_LDADD = $(CONF_LIBS)
EXTRA_DIST += tests/xml2xml

# The libvirt oracle: built always, skips itself without libvirt.
check_PROGRAMS += tests/test-oracle-libvirt
TESTS += tests/test-oracle-libvirt
tests_test_oracle_libvirt_SOURCES = tests/test-oracle-libvirt.c tests/test-conf-common.c tests/test-conf-common.h
tests_test_oracle_libvirt_CFLAGS = $(AM_CFLAGS) $(LIBVIRT_CFLAGS)
tests_test_oracle_libvirt_LDADD = $(CONF_LIBS) $(LIBVIRT_LIBS)

check_PROGRAMS += tests/test-conf-parse
TESTS += tests/test-conf-parse
tests_test_conf_parse_SOURCES = tests/test-conf-parse.c
tests_test_conf_parse_LDADD = $(CONF_LIBS)

check_PROGRAMS += tests/test-conf-mutate
TESTS += tests/test-conf-mutate
tests_test_conf_mutate_SOURCES = tests/test-conf-mutate.c tests/test-conf-common.c tests/test-conf-common.h
tests_test_conf_mutate_LDADD = $(CONF_LIBS)
EXTRA_DIST += docs/conf-differences-from-libvirt.md

# parser and schemas/domain.rng agree on every case, and on mutants
check_PROGRAMS += tests/test-conf-schema-agree
TESTS += tests/test-conf-schema-agree
tests_test_conf_schema_agree_SOURCES = tests/test-conf-schema-agree.c tests/test-conf-common.c tests/test-conf-common.h
tests_test_conf_schema_agree_LDADD = $(CONF_LIBS)
