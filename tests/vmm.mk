# tests for src/kvm and src/vmm
check_PROGRAMS += tests/test-kvm
TESTS += tests/test-kvm
tests_test_kvm_SOURCES = tests/test-kvm.c
tests_test_kvm_LDADD = $(KVM_LIBS)
