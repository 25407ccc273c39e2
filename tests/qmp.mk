# tests for src/qmp
# fake-vmm: vmm.h's control half without vCPUs, to test the QMP layer alone.
check_PROGRAMS += tests/qmp/fake-vmm
tests_qmp_fake_vmm_SOURCES = tests/qmp/fake-vmm.c
tests_qmp_fake_vmm_LDADD = src/qmp/libvireo-qmp.a $(UTIL_LIBS)
