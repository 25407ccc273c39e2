# src/conf: schema validation and semantic checks
src_conf_libvireo_conf_a_SOURCES += \
	src/conf/domain_schema.c \
	src/conf/domain_validate.c src/conf/domain_validate.h
dist_schema_DATA += schemas/domain.rng
EXTRA_DIST += domains
