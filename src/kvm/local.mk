# src/kvm (see ARCHITECTURE.md)
noinst_LIBRARIES += src/kvm/libvireo-kvm.a
src_kvm_libvireo_kvm_a_SOURCES =
