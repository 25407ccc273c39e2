# src/vmm (see ARCHITECTURE.md)
noinst_LIBRARIES += src/vmm/libvireo-vmm.a
src_vmm_libvireo_vmm_a_SOURCES =
