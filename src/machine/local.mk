# src/machine (see ARCHITECTURE.md)
noinst_LIBRARIES += src/machine/libvireo-machine.a
src_machine_libvireo_machine_a_SOURCES = \
	src/machine/machine_desc.h src/machine/machine-priv.h \
	src/machine/machine_desc.c \
	src/machine/machine-type.h src/machine/machine-type.c \
	src/machine/cpu-features.h src/machine/cpu-features.c \
	src/machine/cpu-tables.c src/machine/cpu-models-extra.c \
	src/machine/cpu-model.h src/machine/cpu-model.c \
	src/machine/cpu-resolve.c src/machine/cpuid.c src/machine/cpu-caches.c \
	src/machine/topology.h src/machine/topology.c \
	src/machine/memmap.c src/machine/devices.c \
	src/machine/machine-format.h src/machine/native.c src/machine/describe.c
EXTRA_DIST += src/machine/gen-cpu-tables.py
