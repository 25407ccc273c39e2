/* vireo: the <devices> part of the formatter, in libvirt's device order
 * and with libvirt's per-device element order. */
#include <config.h>
#include <string.h>
#include "conf/domain_conf.h"
#include "conf/domain_conf_priv.h"

static const char *
onoff(VireoTristate t)
{
    return t == VIREO_TRISTATE_YES ? "on" : t == VIREO_TRISTATE_NO ? "off" : NULL;
}

static GString *
attrs_new(void)
{
    return g_string_new(NULL);
}


void
vireo_device_address_format(VireoBuf *buf, const VireoDeviceAddress *a)
{
    g_autoptr(GString) s = attrs_new();
    switch (a->type) {
    case VIREO_ADDRESS_NONE:
        return;
    case VIREO_ADDRESS_PCI:
        /* Domain, bus and slot 0 mean "not assigned yet" to libvirt
         * (whatever the function). */
        if (a->domain || a->bus || a->slot)
            g_string_append_printf(s, " domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'",
                                   a->domain, a->bus, a->slot, a->function);
        vireo_buf_attr(s, "multifunction", onoff(a->multifunction));
        break;
    case VIREO_ADDRESS_DRIVE:
        g_string_append_printf(s, " controller='%u' bus='%u' target='%u' unit='%u'",
                               a->controller, a->bus, a->target, a->unit);
        break;
    case VIREO_ADDRESS_VIRTIO_SERIAL:
        g_string_append_printf(s, " controller='%u' bus='%u'", a->controller, a->bus);
        if (a->has_port)
            g_string_append_printf(s, " port='%u'", a->port);
        break;
    case VIREO_ADDRESS_CCID:
        g_string_append_printf(s, " controller='%u' slot='%u'", a->controller, a->slot);
        break;
    case VIREO_ADDRESS_USB:
        g_string_append_printf(s, " bus='%u'", a->bus);
        vireo_buf_attr(s, "port", a->usb_port);
        break;
    case VIREO_ADDRESS_ISA:
        if (a->iobase)
            g_string_append_printf(s, " iobase='0x%x'", a->iobase);
        if (a->irq)
            g_string_append_printf(s, " irq='0x%x'", a->irq);
        break;
    default:
        break;
    }
    vireo_buf_line(buf, "<address type='%s'%s/>", vireo_address_type_to_string(a->type), s->str);
}

/* libvirt keeps user aliases ("ua-" prefix) in the persistent XML; others
 * belong to the running instance only. */
static void
format_info(VireoBuf *buf, guint boot_order, const char *alias,
            const VireoDeviceAddress *addr, VireoDomainFormatFlags flags)
{
    if (boot_order)
        vireo_buf_line(buf, "<boot order='%u'/>", boot_order);
    if (alias && (!(flags & VIREO_DOMAIN_FORMAT_INACTIVE) || g_str_has_prefix(alias, "ua-"))) {
        g_autoptr(GString) s = attrs_new();
        vireo_buf_attr(s, "name", alias);
        vireo_buf_line(buf, "<alias%s/>", s->str);
    }
    if (addr)
        vireo_device_address_format(buf, addr);
}

static gboolean
has_info(guint boot_order, const char *alias, const VireoDeviceAddress *addr,
         VireoDomainFormatFlags flags)
{
    return boot_order ||
           (alias && (!(flags & VIREO_DOMAIN_FORMAT_INACTIVE) || g_str_has_prefix(alias, "ua-"))) ||
           (addr && addr->type != VIREO_ADDRESS_NONE);
}

/* A device whose only children are its alias and address: written
 * self-closed when it has neither, as libvirt does. */
static void
format_info_only(VireoBuf *buf, const char *tag, const char *attrs, const char *alias,
                 const VireoDeviceAddress *addr, VireoDomainFormatFlags flags)
{
    if (!has_info(0, alias, addr, flags)) {
        vireo_buf_line(buf, "<%s%s/>", tag, attrs);
        return;
    }
    vireo_buf_line(buf, "<%s%s>", tag, attrs);
    buf->indent += 2;
    format_info(buf, 0, alias, addr, flags);
    buf->indent -= 2;
    vireo_buf_line(buf, "</%s>", tag);
}

/* ---- disks ------------------------------------------------------------- */
static void
format_disk_auth(VireoBuf *buf, const VireoDiskDef *d)
{
    g_autoptr(GString) a = attrs_new();
    g_autoptr(GString) s = attrs_new();
    if (!d->has_auth)
        return;
    vireo_buf_attr(a, "username", d->auth_username);
    vireo_buf_attr(s, "type", d->auth_secret_type);
    vireo_buf_attr(s, "uuid", d->auth_secret_uuid);
    vireo_buf_attr(s, "usage", d->auth_secret_usage);
    vireo_buf_line(buf, "<auth%s>", a->str);
    vireo_buf_line(buf, "  <secret%s/>", s->str);
    vireo_buf_line(buf, "</auth>");
}

static void
format_disk_source(VireoBuf *buf, const VireoDiskDef *d)
{
    g_autoptr(GString) s = attrs_new();
    switch (d->type) {
    case VIREO_DISK_TYPE_FILE:
        vireo_buf_attr(s, "file", d->src_path);
        break;
    case VIREO_DISK_TYPE_BLOCK:
        vireo_buf_attr(s, "dev", d->src_path);
        break;
    case VIREO_DISK_TYPE_DIR:
        vireo_buf_attr(s, "dir", d->src_path);
        break;
    case VIREO_DISK_TYPE_VOLUME:
        vireo_buf_attr(s, "pool", d->src_pool);
        vireo_buf_attr(s, "volume", d->src_volume);
        break;
    default:
        vireo_buf_attr(s, "protocol", d->src_protocol);
        vireo_buf_attr(s, "name", d->src_name);
        break;
    }
    if (!s->len)
        return;
    if ((!d->src_hosts || d->src_hosts->len == 0) && !(d->has_auth && d->auth_in_source)) {
        vireo_buf_line(buf, "<source%s/>", s->str);
        return;
    }
    vireo_buf_line(buf, "<source%s>", s->str);
    buf->indent += 2;
    for (guint i = 0; d->src_hosts && i < d->src_hosts->len; i++) {
        VireoNetHost *h = g_ptr_array_index(d->src_hosts, i);
        g_autoptr(GString) hs = attrs_new();
        vireo_buf_attr(hs, "name", h->name);
        vireo_buf_attr(hs, "port", h->port);
        vireo_buf_line(buf, "<host%s/>", hs->str);
    }
    if (d->auth_in_source)
        format_disk_auth(buf, d);
    buf->indent -= 2;
    vireo_buf_line(buf, "</source>");
}

static void
format_disk(VireoBuf *buf, const VireoDiskDef *d, VireoDomainFormatFlags flags)
{
    g_autoptr(GString) drv = attrs_new();
    g_autoptr(GString) tgt = attrs_new();

    vireo_buf_line(buf, "<disk type='%s' device='%s'>", vireo_disk_type_to_string(d->type),
                   vireo_disk_device_to_string(d->device));
    buf->indent += 2;
    vireo_buf_attr(drv, "name", d->driver_name);
    vireo_buf_attr(drv, "type", d->driver_type);
    if (d->cache)
        vireo_buf_attr(drv, "cache", vireo_disk_cache_to_string(d->cache));
    if (d->io)
        vireo_buf_attr(drv, "io", vireo_disk_io_to_string(d->io));
    if (d->discard)
        vireo_buf_attr(drv, "discard", vireo_disk_discard_to_string(d->discard));
    if (drv->len)
        vireo_buf_line(buf, "<driver%s/>", drv->str);
    if (!d->auth_in_source)
        format_disk_auth(buf, d);
    format_disk_source(buf, d);
    vireo_buf_attr(tgt, "dev", d->dst);
    if (d->bus)
        vireo_buf_attr(tgt, "bus", vireo_disk_bus_to_string(d->bus));
    vireo_buf_attr(tgt, "removable", onoff(d->removable));
    vireo_buf_line(buf, "<target%s/>", tgt->str);
    if (d->readonly)
        vireo_buf_line(buf, "<readonly/>");
    if (d->shareable)
        vireo_buf_line(buf, "<shareable/>");
    if (d->serial) {
        g_autoptr(GString) esc = attrs_new();
        vireo_buf_escape(esc, d->serial);
        vireo_buf_line(buf, "<serial>%s</serial>", esc->str);
    }
    format_info(buf, d->boot_order, d->alias, &d->address, flags);
    buf->indent -= 2;
    vireo_buf_line(buf, "</disk>");
}

/* ---- controllers ------------------------------------------------------- */
static gboolean
controller_has_target(const VireoControllerDef *c)
{
    return c->has_chassis_nr || c->has_chassis || c->has_port || c->has_bus_nr ||
           c->target_hotplug != VIREO_TRISTATE_ABSENT;
}

/* libvirt's attribute order; the port in hex. */
static void
format_pci_target(VireoBuf *buf, const VireoControllerDef *c)
{
    g_autoptr(GString) s = attrs_new();
    if (!controller_has_target(c))
        return;
    if (c->has_chassis_nr)
        g_string_append_printf(s, " chassisNr='%u'", c->target_chassis_nr);
    if (c->has_chassis)
        g_string_append_printf(s, " chassis='%u'", c->target_chassis);
    if (c->has_port)
        g_string_append_printf(s, " port='0x%x'", c->target_port);
    if (c->has_bus_nr)
        g_string_append_printf(s, " busNr='%u'", c->target_bus_nr);
    if (c->target_hotplug != VIREO_TRISTATE_ABSENT)
        vireo_buf_attr(s, "hotplug", c->target_hotplug == VIREO_TRISTATE_YES ? "on" : "off");
    vireo_buf_line(buf, "<target%s/>", s->str);
}

static void
format_controller(VireoBuf *buf, const VireoControllerDef *c, VireoDomainFormatFlags flags)
{
    g_autoptr(GString) s = attrs_new();
    vireo_buf_attr(s, "type", vireo_controller_type_to_string(c->type));
    g_string_append_printf(s, " index='%d'", c->idx);
    vireo_buf_attr(s, "model", c->model);
    if (c->has_ports)
        g_string_append_printf(s, " ports='%u'", c->ports);
    if (c->has_vectors)
        g_string_append_printf(s, " vectors='%u'", c->vectors);
    if (!has_info(0, NULL, &c->address, flags) && !c->has_master && !c->model_name &&
        !controller_has_target(c)) {
        vireo_buf_line(buf, "<controller%s/>", s->str);
        return;
    }
    vireo_buf_line(buf, "<controller%s>", s->str);
    buf->indent += 2;
    if (c->model_name)
        vireo_buf_line(buf, "<model name='%s'/>", c->model_name);
    format_pci_target(buf, c);
    if (c->has_master)
        vireo_buf_line(buf, "<master startport='%u'/>", c->master_startport);
    format_info(buf, 0, NULL, &c->address, flags);
    buf->indent -= 2;
    vireo_buf_line(buf, "</controller>");
}

/* ---- interfaces -------------------------------------------------------- */
static void
format_net_source(VireoBuf *buf, const VireoNetDef *n)
{
    g_autoptr(GString) s = attrs_new();
    switch (n->type) {
    case VIREO_NET_TYPE_BRIDGE:
        vireo_buf_attr(s, "bridge", n->source_bridge);
        break;
    case VIREO_NET_TYPE_NETWORK:
        vireo_buf_attr(s, "network", n->source_network);
        vireo_buf_attr(s, "portgroup", n->source_portgroup);
        break;
    case VIREO_NET_TYPE_DIRECT:
        vireo_buf_attr(s, "dev", n->source_dev);
        vireo_buf_attr(s, "mode", n->source_mode ? n->source_mode : "vepa");
        break;
    default:
        return;
    }
    vireo_buf_line(buf, "<source%s/>", s->str);
}

static void
format_net(VireoBuf *buf, const VireoNetDef *n, VireoDomainFormatFlags flags)
{
    char mac[18];
    g_autoptr(GString) s = attrs_new();

    vireo_buf_line(buf, "<interface type='%s'>", vireo_net_type_to_string(n->type));
    buf->indent += 2;
    vireo_mac_format(n->mac, mac);
    vireo_buf_line(buf, "<mac address='%s'/>", mac);
    format_net_source(buf, n);
    if (n->script_path) {
        vireo_buf_attr(s, "path", n->script_path);
        vireo_buf_line(buf, "<script%s/>", s->str);
        g_string_truncate(s, 0);
    }
    /* Names the runtime made up ("vnet0") are not part of the config. */
    if (n->target_dev && !((flags & VIREO_DOMAIN_FORMAT_INACTIVE) &&
                           g_str_has_prefix(n->target_dev, "vnet"))) {
        vireo_buf_attr(s, "dev", n->target_dev);
        vireo_buf_line(buf, "<target%s/>", s->str);
        g_string_truncate(s, 0);
    }
    if (n->model) {
        vireo_buf_attr(s, "type", n->model);
        vireo_buf_line(buf, "<model%s/>", s->str);
        g_string_truncate(s, 0);
    }
    /* libvirt only keeps <driver> for virtio NICs. */
    if (g_strcmp0(n->model, "virtio") == 0 && (n->driver_name || n->driver_queues)) {
        vireo_buf_attr(s, "name", n->driver_name);
        if (n->driver_queues)
            g_string_append_printf(s, " queues='%u'", n->driver_queues);
        vireo_buf_line(buf, "<driver%s/>", s->str);
    }
    if (n->mtu)
        vireo_buf_line(buf, "<mtu size='%u'/>", n->mtu);
    format_info(buf, n->boot_order, n->alias, &n->address, flags);
    buf->indent -= 2;
    vireo_buf_line(buf, "</interface>");
}

/* ---- character devices ------------------------------------------------- */
static void
format_chr_source(VireoBuf *buf, const VireoChrDef *c, VireoDomainFormatFlags flags)
{
    g_autoptr(GString) s = attrs_new();
    switch (c->type) {
    case VIREO_CHR_TYPE_PTY:
        if ((flags & VIREO_DOMAIN_FORMAT_INACTIVE) || !c->src_path)
            return;
        G_GNUC_FALLTHROUGH;
    case VIREO_CHR_TYPE_DEV:
    case VIREO_CHR_TYPE_FILE:
    case VIREO_CHR_TYPE_PIPE:
        if (!c->src_path)
            return;
        vireo_buf_attr(s, "path", c->src_path);
        if (c->type == VIREO_CHR_TYPE_FILE)
            vireo_buf_attr(s, "append", onoff(c->src_append));
        break;
    case VIREO_CHR_TYPE_UNIX:
        /* libvirt writes no <source> until the socket is named */
        if (!c->src_path)
            return;
        vireo_buf_attr(s, "mode", c->src_mode ? c->src_mode : "connect");
        vireo_buf_attr(s, "path", c->src_path);
        break;
    case VIREO_CHR_TYPE_TCP:
        vireo_buf_attr(s, "mode", c->src_mode ? c->src_mode : "connect");
        vireo_buf_attr(s, "host", c->src_host);
        vireo_buf_attr(s, "service", c->src_service);
        vireo_buf_line(buf, "<source%s/>", s->str);
        vireo_buf_line(buf, "<protocol type='%s'/>", c->protocol ? c->protocol : "raw");
        return;
    case VIREO_CHR_TYPE_UDP:
        if (c->src_host || c->src_service) {
            vireo_buf_attr(s, "mode", "bind");
            vireo_buf_attr(s, "host", c->src_host);
            vireo_buf_attr(s, "service", c->src_service);
            vireo_buf_line(buf, "<source%s/>", s->str);
            g_string_truncate(s, 0);
        }
        vireo_buf_attr(s, "mode", "connect");
        vireo_buf_attr(s, "host", c->connect_host);
        vireo_buf_attr(s, "service", c->connect_service);
        break;
    default:
        return;
    }
    vireo_buf_line(buf, "<source%s/>", s->str);
}

static void
format_chr_target(VireoBuf *buf, const VireoChrDef *c)
{
    g_autoptr(GString) s = attrs_new();
    vireo_buf_attr(s, "type", c->target_type);
    if (c->device != VIREO_CHR_DEVICE_CHANNEL)
        g_string_append_printf(s, " port='%u'", c->target_port);
    vireo_buf_attr(s, "name", c->target_name);
    if (c->device != VIREO_CHR_DEVICE_SERIAL || !c->target_model) {
        vireo_buf_line(buf, "<target%s/>", s->str);
        return;
    }
    vireo_buf_line(buf, "<target%s>", s->str);
    g_string_truncate(s, 0);
    vireo_buf_attr(s, "name", c->target_model);
    vireo_buf_line(buf, "  <model%s/>", s->str);
    vireo_buf_line(buf, "</target>");
}

static void
format_chr(VireoBuf *buf, const VireoChrDef *c, VireoDomainFormatFlags flags)
{
    const char *elem = vireo_chr_device_type_to_string(c->device);
    g_autoptr(GString) tty = g_string_new(NULL);
    /* libvirt's live XML names the first console's pty in tty= too. */
    if (c->device == VIREO_CHR_DEVICE_CONSOLE && c->target_port == 0 &&
        c->type == VIREO_CHR_TYPE_PTY && !(flags & VIREO_DOMAIN_FORMAT_INACTIVE))
        vireo_buf_attr(tty, "tty", c->src_path);
    vireo_buf_line(buf, "<%s type='%s'%s>", elem, vireo_chr_type_to_string(c->type), tty->str);
    buf->indent += 2;
    format_chr_source(buf, c, flags);
    if (c->log_file) {
        g_autoptr(GString) s = attrs_new();
        vireo_buf_attr(s, "file", c->log_file);
        vireo_buf_attr(s, "append", onoff(c->log_append));
        vireo_buf_line(buf, "<log%s/>", s->str);
    }
    format_chr_target(buf, c);
    format_info(buf, 0, c->alias, &c->address, flags);
    buf->indent -= 2;
    vireo_buf_line(buf, "</%s>", elem);
}

/* ---- input, graphics, video -------------------------------------------- */
static void
format_input(VireoBuf *buf, const VireoInputDef *in, VireoDomainFormatFlags flags)
{
    g_autoptr(GString) s = attrs_new();
    vireo_buf_attr(s, "type", vireo_input_type_to_string(in->type));
    if (in->bus)
        vireo_buf_attr(s, "bus", vireo_input_bus_to_string(in->bus));
    format_info_only(buf, "input", s->str, NULL, &in->address, flags);
}

static void
format_graphics(VireoBuf *buf, const VireoGraphicsDef *g, VireoDomainFormatFlags flags)
{
    g_autoptr(GString) s = attrs_new();
    VireoGraphicsListen *first = g->listens->len ? g_ptr_array_index(g->listens, 0) : NULL;
    gboolean autoport = g->autoport == VIREO_TRISTATE_YES;

    vireo_buf_attr(s, "type", vireo_graphics_type_to_string(g->type));
    if (g->has_port && g->port && (!autoport || !(flags & VIREO_DOMAIN_FORMAT_INACTIVE)))
        g_string_append_printf(s, " port='%d'", g->port);
    else if (autoport)
        g_string_append(s, " port='-1'");
    g_string_append_printf(s, " autoport='%s'", autoport ? "yes" : "no");
    if (g->has_websocket && g->websocket)
        g_string_append_printf(s, " websocket='%d'", g->websocket);
    if (first && first->type == VIREO_LISTEN_ADDRESS)
        vireo_buf_attr(s, "listen", first->address);
    vireo_buf_attr(s, "keymap", g->keymap);
    vireo_buf_attr(s, "sharePolicy", g->share_policy);
    if (flags & VIREO_DOMAIN_FORMAT_SECURE)
        vireo_buf_attr(s, "passwd", g->passwd);
    if (!first) {
        vireo_buf_line(buf, "<graphics%s/>", s->str);
        return;
    }
    vireo_buf_line(buf, "<graphics%s>", s->str);
    buf->indent += 2;
    for (guint i = 0; i < g->listens->len; i++) {
        VireoGraphicsListen *l = g_ptr_array_index(g->listens, i);
        g_autoptr(GString) ls = attrs_new();
        vireo_buf_attr(ls, "type", vireo_listen_type_to_string(l->type));
        vireo_buf_attr(ls, "address", l->address);
        vireo_buf_attr(ls, "network", l->network);
        vireo_buf_attr(ls, "socket", l->socket);
        vireo_buf_line(buf, "<listen%s/>", ls->str);
    }
    buf->indent -= 2;
    vireo_buf_line(buf, "</graphics>");
}

static void
format_video(VireoBuf *buf, const VireoVideoDef *v, VireoDomainFormatFlags flags)
{
    g_autoptr(GString) s = attrs_new();
    vireo_buf_line(buf, "<video>");
    buf->indent += 2;
    vireo_buf_attr(s, "type", vireo_video_model_to_string(v->model));
    if (v->ram)
        g_string_append_printf(s, " ram='%u'", v->ram);
    if (v->vram)
        g_string_append_printf(s, " vram='%u'", v->vram);
    if (v->vgamem)
        g_string_append_printf(s, " vgamem='%u'", v->vgamem);
    if (v->has_heads && v->heads)
        g_string_append_printf(s, " heads='%u'", v->heads);
    if (v->primary == VIREO_TRISTATE_YES)
        g_string_append(s, " primary='yes'");
    vireo_buf_line(buf, "<model%s/>", s->str);
    format_info(buf, 0, v->alias, &v->address, flags);
    buf->indent -= 2;
    vireo_buf_line(buf, "</video>");
}

/* ---- watchdog, memballoon, rng, panic ---------------------------------- */
static void
format_watchdog(VireoBuf *buf, const VireoWatchdogDef *w, VireoDomainFormatFlags flags)
{
    g_autoptr(GString) s = attrs_new();
    vireo_buf_attr(s, "model", w->model);
    vireo_buf_attr(s, "action", w->action);
    format_info_only(buf, "watchdog", s->str, w->alias, &w->address, flags);
}

static void
format_memballoon(VireoBuf *buf, const VireoMemballoonDef *m, VireoDomainFormatFlags flags)
{
    g_autoptr(GString) s = attrs_new();
    vireo_buf_attr(s, "model", m->model);
    vireo_buf_attr(s, "autodeflate", onoff(m->autodeflate));
    gboolean stats = m->has_stats_period && m->stats_period;
    if (!stats && !has_info(0, m->alias, &m->address, flags)) {
        vireo_buf_line(buf, "<memballoon%s/>", s->str);
        return;
    }
    vireo_buf_line(buf, "<memballoon%s>", s->str);
    buf->indent += 2;
    if (stats)
        vireo_buf_line(buf, "<stats period='%u'/>", m->stats_period);
    format_info(buf, 0, m->alias, &m->address, flags);
    buf->indent -= 2;
    vireo_buf_line(buf, "</memballoon>");
}

static void
format_rng(VireoBuf *buf, const VireoRngDef *r, VireoDomainFormatFlags flags)
{
    g_autoptr(GString) s = attrs_new();
    vireo_buf_attr(s, "model", r->model);
    vireo_buf_line(buf, "<rng%s>", s->str);
    buf->indent += 2;
    if (r->rate_bytes) {
        g_string_truncate(s, 0);
        g_string_append_printf(s, " bytes='%u'", r->rate_bytes);
        if (r->rate_period)
            g_string_append_printf(s, " period='%u'", r->rate_period);
        vireo_buf_line(buf, "<rate%s/>", s->str);
    }
    g_string_truncate(s, 0);
    vireo_buf_attr(s, "model", r->backend_model);
    if (r->backend_path) {
        g_autoptr(GString) esc = attrs_new();
        vireo_buf_escape(esc, r->backend_path);
        vireo_buf_line(buf, "<backend%s>%s</backend>", s->str, esc->str);
    } else {
        vireo_buf_line(buf, "<backend%s/>", s->str);
    }
    format_info(buf, 0, r->alias, &r->address, flags);
    buf->indent -= 2;
    vireo_buf_line(buf, "</rng>");
}

static void
format_panic(VireoBuf *buf, const VireoPanicDef *p, VireoDomainFormatFlags flags)
{
    g_autoptr(GString) s = attrs_new();
    vireo_buf_attr(s, "model", p->model);
    format_info_only(buf, "panic", s->str, NULL, &p->address, flags);
}

static void
format_audio(VireoBuf *buf, const VireoAudioDef *a, VireoDomainFormatFlags flags)
{
    (void)flags;
    vireo_buf_line(buf, "<audio id='%u' type='%s'/>", a->id, a->type);
}

typedef void (*FormatFunc)(VireoBuf *, const void *, VireoDomainFormatFlags);

static void
format_list(VireoBuf *buf, GPtrArray *list, FormatFunc fn, VireoDomainFormatFlags flags)
{
    for (guint i = 0; list && i < list->len; i++)
        fn(buf, g_ptr_array_index(list, i), flags);
}

void
vireo_domain_devices_format(VireoBuf *buf, const VireoDomainDef *def,
                            VireoDomainFormatFlags flags)
{
    vireo_buf_line(buf, "<devices>");
    buf->indent += 2;
    if (def->emulator) {
        g_autoptr(GString) esc = attrs_new();
        vireo_buf_escape(esc, def->emulator);
        vireo_buf_line(buf, "<emulator>%s</emulator>", esc->str);
    }
    format_list(buf, def->disks, (FormatFunc)format_disk, flags);
    format_list(buf, def->controllers, (FormatFunc)format_controller, flags);
    format_list(buf, def->nets, (FormatFunc)format_net, flags);
    format_list(buf, def->serials, (FormatFunc)format_chr, flags);
    format_list(buf, def->consoles, (FormatFunc)format_chr, flags);
    format_list(buf, def->channels, (FormatFunc)format_chr, flags);
    format_list(buf, def->inputs, (FormatFunc)format_input, flags);
    format_list(buf, def->graphics, (FormatFunc)format_graphics, flags);
    format_list(buf, def->audios, (FormatFunc)format_audio, flags);
    format_list(buf, def->videos, (FormatFunc)format_video, flags);
    format_list(buf, def->watchdogs, (FormatFunc)format_watchdog, flags);
    if (def->memballoon)
        format_memballoon(buf, def->memballoon, flags);
    format_list(buf, def->rngs, (FormatFunc)format_rng, flags);
    format_list(buf, def->panics, (FormatFunc)format_panic, flags);
    buf->indent -= 2;
    vireo_buf_line(buf, "</devices>");
}
