# tests for src/kvm and src/vmm
check_PROGRAMS += tests/test-kvm
TESTS += tests/test-kvm
tests_test_kvm_SOURCES = tests/test-kvm.c
tests_test_kvm_LDADD = $(KVM_LIBS)
check_PROGRAMS += tests/test-kvm-boot
TESTS += tests/test-kvm-boot
tests_test_kvm_boot_SOURCES = tests/test-kvm-boot.c
tests_test_kvm_boot_LDADD = $(KVM_LIBS)
check_PROGRAMS += tests/test-vmm
TESTS += tests/test-vmm
tests_test_vmm_SOURCES = tests/test-vmm.c
tests_test_vmm_LDADD = $(VMM_LIBS)
# vireo-vmm as a program, then the stock Debian kernel (slow: <= ~330 s, the bzImage half bounded at 230 s or more).
TESTS += tests/vmm/vmm-cli.sh tests/vmm/stock-kernel.sh
EXTRA_DIST += tests/vmm/vmm-cli.sh tests/vmm/stock-kernel.sh tests/vmm/mkimage.py

