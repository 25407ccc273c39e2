/* vireo: CPU topology and APIC IDs (Intel SDM vol. 3 "Identifying the
 * topology"; the same layout QEMU uses): each level gets a bit field just
 * wide enough for its count rounded up to a power of two, thread bits
 * lowest, then core, cluster (module), die, and the package above. */
#pragma once
#include <glib.h>

typedef struct {
    guint sockets, dies, clusters, cores, threads;
    /* bit offsets of each field in the APIC ID */
    guint core_offset;              /* = width of the thread field */
    guint cluster_offset;
    guint die_offset;
    guint pkg_offset;
} VireoTopology;

typedef struct {
    guint socket, die, cluster, core, thread;
} VireoTopoIds;

/* Bits needed for count distinct IDs: 1 -> 0, 2 -> 1, 3 -> 2, 4 -> 2. */
guint vireo_topology_width(guint count);
void vireo_topology_init(VireoTopology *topo, guint sockets, guint dies,
                         guint clusters, guint cores, guint threads);
guint vireo_topology_cpus(const VireoTopology *topo);
/* cpu-index -> IDs at each level (threads vary fastest, as QEMU counts). */
void vireo_topology_ids(const VireoTopology *topo, guint index, VireoTopoIds *ids);
guint32 vireo_topology_apic_id(const VireoTopology *topo, guint index);
