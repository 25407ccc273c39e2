# src/hw (see ARCHITECTURE.md)
noinst_LIBRARIES += src/hw/libvireo-hw.a
src_hw_libvireo_hw_a_SOURCES =
