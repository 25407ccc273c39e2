# src/machine (see ARCHITECTURE.md)
noinst_LIBRARIES += src/machine/libvireo-machine.a
src_machine_libvireo_machine_a_SOURCES =
