# src/util: errors, enums, XML helpers, i18n
noinst_LIBRARIES += src/util/libvireo-util.a
src_util_libvireo_util_a_SOURCES = \
	src/util/vireo-error.c src/util/vireo-error.h \
	src/util/vireo-enum.c src/util/vireo-enum.h \
	src/util/vireo-i18n.c src/util/vireo-i18n.h \
	src/util/vireo-startup.c src/util/vireo-startup.h \
	src/util/vireo-xml.c src/util/vireo-xml.h

# ICU's converter functions, always failing, for libxml2.a (configure
# --enable-static-libxml2): linked only into the installed programs.
noinst_LIBRARIES += src/util/libvireo-noicu.a
src_util_libvireo_noicu_a_SOURCES = src/util/vireo-noicu.c
