# src/vmm: builder (description -> running VM), run states, vireo-vmm
noinst_LIBRARIES += src/vmm/libvireo-vmm.a
src_vmm_libvireo_vmm_a_SOURCES = \
	src/vmm/vmm.h src/vmm/vmm-priv.h src/vmm/vmm.c src/vmm/builder.c

bin_PROGRAMS += src/vireo-vmm
src_vireo_vmm_SOURCES = src/vmm/vireo-vmm.c
src_vireo_vmm_LDADD = $(QMP_A) $(INSTALLED_SYS_LIBS)
src_vireo_vmm_LDFLAGS = $(INSTALLED_LINK_FLAGS)
EXTRA_src_vireo_vmm_DEPENDENCIES = src/util/libvireo-noicu.a
