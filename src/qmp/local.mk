# src/qmp (see ARCHITECTURE.md)
noinst_LIBRARIES += src/qmp/libvireo-qmp.a
src_qmp_libvireo_qmp_a_SOURCES =
