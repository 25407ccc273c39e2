# src/vmm: builder (description -> running VM), run states, vireo-vmm
noinst_LIBRARIES += src/vmm/libvireo-vmm.a
src_vmm_libvireo_vmm_a_SOURCES = \
	src/vmm/vmm.h src/vmm/vmm-priv.h src/vmm/vmm.c src/vmm/builder.c
