# src/conf (see ARCHITECTURE.md)
noinst_LIBRARIES += src/conf/libvireo-conf.a
src_conf_libvireo_conf_a_SOURCES =
