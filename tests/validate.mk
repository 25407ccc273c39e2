# tests for validate: schemas/domain.rng, domain_validate.c, `vireo validate`
check_PROGRAMS += tests/test-validate-schema
TESTS += tests/test-validate-schema
tests_test_validate_schema_SOURCES = tests/test-validate-schema.c
tests_test_validate_schema_LDADD = $(CONF_LIBS)
EXTRA_DIST += tests/validate
