# src/cli: the vireo command (virsh-like)
bin_PROGRAMS += src/vireo
src_vireo_SOURCES = src/cli/vireo.c src/cli/vireo-cli.h \
	src/cli/cmd-validate.c src/cli/cmd-machine.c src/cli/cmd-domain.c \
	src/cli/cmd-domain-info.c src/cli/cmd-domain-io.c \
	src/cli/cmd-util.c src/cli/cmd-util.h \
	src/cli/store.c src/cli/store.h \
	src/cli/runtime.c src/cli/runtime.h src/cli/runtime-priv.h \
	src/cli/launch.c \
	src/cli/qmp-client.c src/cli/qmp-client.h \
	src/cli/events.c src/cli/events.h \
	src/cli/console.c src/cli/console.h
src_vireo_LDADD = $(KVM_A) $(INSTALLED_SYS_LIBS)
src_vireo_LDFLAGS = $(INSTALLED_LINK_FLAGS)
