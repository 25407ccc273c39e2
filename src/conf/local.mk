# src/conf (see ARCHITECTURE.md)
noinst_LIBRARIES += src/conf/libvireo-conf.a
src_conf_libvireo_conf_a_SOURCES =
src_conf_libvireo_conf_a_SOURCES += \
	src/conf/domain_conf.h \
	src/conf/domain_conf_priv.h \
	src/conf/domain_conf.c \
	src/conf/domain_conf_devices.c \
	src/conf/domain_format.c \
	src/conf/domain_format_devices.c
src_conf_libvireo_conf_a_SOURCES += \
	src/conf/domain_postparse.c \
	src/conf/domain_parse.c
