# src/kvm: the KVM runtime (VM, vCPUs, CPUID, boot loaders, host probe)
noinst_LIBRARIES += src/kvm/libvireo-kvm.a
src_kvm_libvireo_kvm_a_SOURCES = \
	src/kvm/kvm.h src/kvm/kvm-priv.h src/kvm/kvm-host.c \
	src/kvm/vm.c src/kvm/vcpu.c src/kvm/vcpu-run.c src/kvm/longmode.c \
	src/kvm/boot-priv.h src/kvm/boot.c src/kvm/boot-bzimage.c src/kvm/boot-elf.c
