/* vireo: APIC ID layout. */
#include <config.h>
#include "machine/topology.h"

guint
vireo_topology_width(guint count)
{
    guint w = 0;
    while ((1u << w) < count)
        w++;
    return w;
}

void
vireo_topology_init(VireoTopology *topo, guint sockets, guint dies,
                    guint clusters, guint cores, guint threads)
{
    topo->sockets = MAX(sockets, 1);
    topo->dies = MAX(dies, 1);
    topo->clusters = MAX(clusters, 1);
    topo->cores = MAX(cores, 1);
    topo->threads = MAX(threads, 1);
    topo->core_offset = vireo_topology_width(topo->threads);
    topo->cluster_offset = topo->core_offset + vireo_topology_width(topo->cores);
    topo->die_offset = topo->cluster_offset + vireo_topology_width(topo->clusters);
    topo->pkg_offset = topo->die_offset + vireo_topology_width(topo->dies);
}

guint
vireo_topology_cpus(const VireoTopology *topo)
{
    return topo->sockets * topo->dies * topo->clusters * topo->cores * topo->threads;
}

void
vireo_topology_ids(const VireoTopology *topo, guint index, VireoTopoIds *ids)
{
    ids->thread = index % topo->threads;
    index /= topo->threads;
    ids->core = index % topo->cores;
    index /= topo->cores;
    ids->cluster = index % topo->clusters;
    index /= topo->clusters;
    ids->die = index % topo->dies;
    ids->socket = index / topo->dies;
}

guint32
vireo_topology_apic_id(const VireoTopology *topo, guint index)
{
    VireoTopoIds ids;
    vireo_topology_ids(topo, index, &ids);
    return (ids.socket << topo->pkg_offset) | (ids.die << topo->die_offset) |
           (ids.cluster << topo->cluster_offset) | (ids.core << topo->core_offset) |
           ids.thread;
}
