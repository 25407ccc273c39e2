/* The QMP tests' stand-in VMM (fake-vmm-lib.c): vmm.h's control half with
 * QEMU's run-state rules and events, and no vCPUs. */
#pragma once
#include "qmp/qmp.h"

struct _VireoVmm {
    VireoMachineDesc *desc;
    VireoRunState state;
    GArray *listeners;          /* FakeListener */
    guint next_listener;
    GMainLoop *loop;            /* quit by vireo_vmm_quit */
};

typedef struct {
    guint id;
    VireoVmmEventFn fn;
    void *opaque;
} FakeListener;

/* A description with what QMP reads: name, UUID, RAM, vCPUs (one socket each). */
VireoMachineDesc *fake_vmm_desc_new(const char *name, const char *uuid,
                                    guint64 mib, guint vcpus);
void fake_vmm_desc_free(VireoMachineDesc *desc);
/* Frees what fake_vmm_desc_new and a VireoVmm set up in place hold. */
void fake_vmm_clear(VireoVmm *vmm);
