# src/cli: the vireo command (virsh-like)
bin_PROGRAMS += src/vireo
src_vireo_SOURCES = src/cli/vireo.c src/cli/vireo-cli.h \
	src/cli/cmd-validate.c src/cli/cmd-machine.c src/cli/cmd-domain.c
src_vireo_LDADD = $(KVM_LIBS)
