/* vireo: the domain store (see store.h for the layout). */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "cli/store.h"
#include "util/vireo-error.h"
#include "util/vireo-i18n.h"
#include "util/vireo-xml.h"

static void store_lock_free(gpointer p);

static gboolean
store_mkdirs(VireoStore *store, GError **error)
{
    const char *dirs[] = { store->state_dir, store->config_dir, store->run_dir,
                           store->dom_run_dir, NULL };
    g_autofree char *locks = g_build_filename(store->run_dir, "locks", NULL);
    g_autofree char *shutoff = g_build_filename(store->run_dir, "shutoff", NULL);
    g_autofree char *log = g_build_filename(store->run_dir, "log", NULL);
    for (int i = 0; dirs[i]; i++) {
        if (g_mkdir_with_parents(dirs[i], 0700) < 0) {
            vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, errno,
                                  _("cannot create directory '%s'"), dirs[i]);
            return FALSE;
        }
    }
    if (g_mkdir_with_parents(locks, 0700) < 0 ||
        g_mkdir_with_parents(shutoff, 0700) < 0 ||
        g_mkdir_with_parents(log, 0700) < 0) {
        vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, errno,
                              _("cannot create directory '%s'"), store->run_dir);
        return FALSE;
    }
    return TRUE;
}

/* vireo:///embed?root=DIR keeps everything under DIR, as qemu:///embed. */
static gboolean
store_parse_embed(VireoStore *store, const char *query, GError **error)
{
    const char *root = NULL;
    g_auto(GStrv) params = g_strsplit(query ? query : "", "&", -1);
    g_autofree char *unescaped = NULL;

    for (int i = 0; params[i]; i++)
        if (g_str_has_prefix(params[i], "root="))
            root = params[i] + strlen("root=");
    if (!root || !*root) {
        vireo_error_set(error, VIREO_ERR_INVALID_ARG, "%s",
                        _("URI must have 'root' parameter"));
        return FALSE;
    }
    unescaped = g_uri_unescape_string(root, NULL);
    if (!unescaped || !g_path_is_absolute(unescaped)) {
        vireo_error_set(error, VIREO_ERR_INVALID_ARG,
                        _("root path must be absolute: %s"), root);
        return FALSE;
    }
    store->state_dir = g_build_filename(unescaped, "lib", NULL);
    store->run_dir = g_build_filename(unescaped, "run", NULL);
    return TRUE;
}

static gboolean
store_parse_uri(VireoStore *store, const char *uri, GError **error)
{
    const char *rest;
    const char *query;
    g_autofree char *path = NULL;

    if (!g_str_has_prefix(uri, "vireo://")) {
        vireo_error_set(error, VIREO_ERR_NO_SUPPORT,
                        _("no connection driver available for %s"), uri);
        return FALSE;
    }
    rest = uri + strlen("vireo://");
    query = strchr(rest, '?');
    path = query ? g_strndup(rest, query - rest) : g_strdup(rest);
    if (g_str_equal(path, "/system")) {
        store->state_dir = g_strdup("/var/lib/vireo");
        store->run_dir = g_strdup("/run/vireo");
    } else if (g_str_equal(path, "/session")) {
        store->state_dir = g_build_filename(g_get_user_data_dir(), "vireo", NULL);
        store->run_dir = g_build_filename(g_get_user_runtime_dir(), "vireo", NULL);
    } else if (g_str_equal(path, "/embed")) {
        return store_parse_embed(store, query ? query + 1 : NULL, error);
    } else {
        vireo_error_set(error, VIREO_ERR_INVALID_ARG,
                        _("unexpected vireo URI path '%s', try vireo:///system, vireo:///session or vireo:///embed?root=DIR"),
                        path);
        return FALSE;
    }
    return TRUE;
}

VireoStore *
vireo_store_open(const char *uri, GError **error)
{
    g_autoptr(VireoStore) store = g_new0(VireoStore, 1);

    if (!uri || !*uri)
        uri = geteuid() == 0 ? "vireo:///system" : "vireo:///session";
    store->uri = g_strdup(uri);
    store->locks = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         store_lock_free);
    if (!store_parse_uri(store, uri, error))
        return NULL;
    store->config_dir = g_build_filename(store->state_dir, "domains", NULL);
    store->dom_run_dir = g_build_filename(store->run_dir, "domains", NULL);
    if (!store_mkdirs(store, error))
        return NULL;
    return g_steal_pointer(&store);
}

void
vireo_store_free(VireoStore *store)
{
    if (!store)
        return;
    g_free(store->uri);
    g_free(store->state_dir);
    g_free(store->config_dir);
    g_free(store->run_dir);
    g_free(store->dom_run_dir);
    if (store->locks)
        g_hash_table_destroy(store->locks);
    g_free(store);
}

typedef struct {
    int fd;
    guint count;
} VireoStoreLock;

static void
store_lock_free(gpointer p)
{
    VireoStoreLock *lock = p;
    if (lock->fd >= 0)
        close(lock->fd);   /* closing drops the flock */
    g_free(lock);
}

static int
store_lock_open(VireoStore *store, const char *name, GError **error)
{
    g_autofree char *file = name ? g_strconcat(name, ".lock", NULL)
                                 : g_strdup("store.lock");
    g_autofree char *path = name
        ? g_build_filename(store->run_dir, "locks", file, NULL)
        : g_build_filename(store->run_dir, file, NULL);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

    if (fd < 0) {
        vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, errno,
                              _("cannot open lock file '%s'"), path);
        return -1;
    }
    while (flock(fd, LOCK_EX) < 0) {
        if (errno == EINTR)
            continue;
        vireo_error_set_errno(error, VIREO_ERR_SYSTEM_ERROR, errno,
                              _("cannot lock '%s'"), path);
        close(fd);
        return -1;
    }
    return fd;
}

gboolean
vireo_store_lock(VireoStore *store, const char *name, GError **error)
{
    VireoStoreLock *lock = g_hash_table_lookup(store->locks, name ? name : "");
    int fd;

    if (lock) {
        lock->count++;
        return TRUE;
    }
    if ((fd = store_lock_open(store, name, error)) < 0)
        return FALSE;
    lock = g_new0(VireoStoreLock, 1);
    lock->fd = fd;
    lock->count = 1;
    g_hash_table_insert(store->locks, g_strdup(name ? name : ""), lock);
    return TRUE;
}

void
vireo_store_unlock(VireoStore *store, const char *name)
{
    VireoStoreLock *lock = g_hash_table_lookup(store->locks, name ? name : "");
    if (lock && --lock->count == 0)
        g_hash_table_remove(store->locks, name ? name : "");
}

void
vireo_store_forget_locks(VireoStore *store)
{
    /* In a forked child the flocks belong to the parent's open file
     * descriptions: closing our copies does not release them, but keeping
     * them would hold the locks for the child's whole life. */
    g_hash_table_remove_all(store->locks);
}

gboolean
vireo_write_all(int fd, const char *data, gsize len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}

static void
fsync_dir(const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static gboolean
store_write(const char *path, const char *data, gssize len, gboolean durable,
            GError **error)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
    int fd = g_mkstemp_full(tmp, O_RDWR | O_CLOEXEC, 0600);

    if (len < 0)
        len = strlen(data);
    if (fd < 0) {
        vireo_error_set_errno(error, VIREO_ERR_WRITE_FAILED, errno, "%s", path);
        return FALSE;
    }
    if (!vireo_write_all(fd, data, len) || (durable && fsync(fd) < 0)) {
        int saved = errno;
        close(fd);
        g_unlink(tmp);
        vireo_error_set_errno(error, VIREO_ERR_WRITE_FAILED, saved, "%s", path);
        return FALSE;
    }
    close(fd);
    if (g_rename(tmp, path) < 0) {
        int saved = errno;
        g_unlink(tmp);
        vireo_error_set_errno(error, VIREO_ERR_WRITE_FAILED, saved, "%s", path);
        return FALSE;
    }
    if (durable)
        fsync_dir(path);
    return TRUE;
}

gboolean
vireo_store_write_file(const char *path, const char *data, gssize len,
                       GError **error)
{
    return store_write(path, data, len, TRUE, error);
}

gboolean
vireo_store_write_runtime_file(const char *path, const char *data, gssize len,
                               GError **error)
{
    return store_write(path, data, len, FALSE, error);
}

gboolean
vireo_store_check_name(const char *name, GError **error)
{
    if (!name || !*name) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR, "%s",
                        _("missing name information"));
        return FALSE;
    }
    if (strchr(name, '/') || name[0] == '.') {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("name '%s' cannot contain '/' or start with '.'"), name);
        return FALSE;
    }
    return TRUE;
}

char *
vireo_store_config_path(VireoStore *store, const char *name)
{
    g_autofree char *file = g_strconcat(name, ".xml", NULL);
    return g_build_filename(store->config_dir, file, NULL);
}

char *
vireo_store_run_path(VireoStore *store, const char *name, const char *file)
{
    return g_build_filename(store->dom_run_dir, name, file, NULL);
}

char *
vireo_store_path(VireoStore *store, const char *a, const char *b)
{
    return g_build_filename(store->run_dir, a, b, NULL);
}

static gint
compare_names(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

static GPtrArray *
list_dir(const char *dir, const char *suffix)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *ent;

    while (d && (ent = g_dir_read_name(d))) {
        if (ent[0] == '.')
            continue;   /* temp files of an interrupted write */
        if (suffix && !g_str_has_suffix(ent, suffix))
            continue;
        g_ptr_array_add(names, suffix ? g_strndup(ent, strlen(ent) - strlen(suffix))
                                      : g_strdup(ent));
    }
    g_ptr_array_sort(names, compare_names);
    return names;
}

GPtrArray *
vireo_store_config_names(VireoStore *store)
{
    return list_dir(store->config_dir, ".xml");
}

GPtrArray *
vireo_store_run_names(VireoStore *store)
{
    return list_dir(store->dom_run_dir, NULL);
}

/* Rewritten in place rather than replaced (temporary file + rename):
 * every reader and writer holds the store lock, and replacing a file that
 * holds data frees its blocks, which costs 1-3 ms per start on an ext4
 * mounted with discard (tests and benches keep the store under /tmp). */
int
vireo_store_next_id(VireoStore *store, GError **error)
{
    g_autofree char *path = g_build_filename(store->run_dir, "next-id", NULL);
    g_autofree char *next = NULL;
    char buf[32] = "";
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    ssize_t n;
    int id = 1;

    if (fd < 0) {
        vireo_error_set_errno(error, VIREO_ERR_WRITE_FAILED, errno, "%s", path);
        return -1;
    }
    if ((n = pread(fd, buf, sizeof(buf) - 1, 0)) > 0)
        id = MAX(1, (int)g_ascii_strtoll(buf, NULL, 10));
    next = g_strdup_printf("%d\n", id + 1);
    if (pwrite(fd, next, strlen(next), 0) != (ssize_t)strlen(next) ||
        ftruncate(fd, strlen(next)) < 0) {
        vireo_error_set_errno(error, VIREO_ERR_WRITE_FAILED, errno, "%s", path);
        close(fd);
        return -1;
    }
    close(fd);
    return id;
}

static VireoDomainSummary *
summary_from_doc(xmlDoc *doc, GError **error)
{
    g_autoptr(VireoDomainSummary) sum = g_new0(VireoDomainSummary, 1);
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *os, *node;
    g_autofree char *vcpu = NULL;
    g_autofree char *uuid = NULL;

    if (!root || !xmlStrEqual(root->name, BAD_CAST "domain")) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR, "%s",
                        _("expected root element 'domain'"));
        return NULL;
    }
    sum->name = vireo_xml_child_content(root, "name");
    if (!vireo_store_check_name(sum->name, error))
        return NULL;
    uuid = vireo_xml_child_content(root, "uuid");
    if (!uuid || !vireo_uuid_parse(g_strstrip(uuid), sum->uuid)) {
        vireo_error_set(error, VIREO_ERR_XML_ERROR,
                        _("malformed uuid element in domain '%s'"), sum->name);
        return NULL;
    }
    vireo_uuid_format(sum->uuid, sum->uuidstr);
    if ((node = vireo_xml_child(root, "memory")) &&
        vireo_xml_element_memory_kib(node, VIREO_XML_PROP_NONE,
                                     &sum->memory_kib, error) < 0)
        return NULL;
    sum->current_memory_kib = sum->memory_kib;
    if ((node = vireo_xml_child(root, "currentMemory")) &&
        vireo_xml_element_memory_kib(node, VIREO_XML_PROP_NONE,
                                     &sum->current_memory_kib, error) < 0)
        return NULL;
    vcpu = vireo_xml_child_content(root, "vcpu");
    sum->vcpus = vcpu ? (guint)g_ascii_strtoull(vcpu, NULL, 10) : 1;
    if ((node = vireo_xml_child(root, "vcpu"))) {
        guint cur = 0;
        if (vireo_xml_prop_uint(node, "current", 10, VIREO_XML_PROP_NONE,
                                &cur, error) < 0)
            return NULL;
        if (cur)
            sum->vcpus = cur;
    }
    os = vireo_xml_child(root, "os");
    sum->os_type = os ? vireo_xml_child_content(os, "type") : NULL;
    if (os && (node = vireo_xml_child(os, "type")))
        sum->machine = vireo_xml_prop_string(node, "machine");
    if (!sum->os_type)
        sum->os_type = g_strdup("hvm");
    return g_steal_pointer(&sum);
}

VireoDomainSummary *
vireo_domain_summary_parse(const char *xml, const char *url, GError **error)
{
    g_autoptr(xmlDoc) doc = vireo_xml_parse_string(xml, strlen(xml), url, error);
    return doc ? summary_from_doc(doc, error) : NULL;
}

VireoDomainSummary *
vireo_domain_summary_read(const char *path, GError **error)
{
    g_autoptr(xmlDoc) doc = vireo_xml_parse_file(path, error);
    return doc ? summary_from_doc(doc, error) : NULL;
}

void
vireo_domain_summary_free(VireoDomainSummary *sum)
{
    if (!sum)
        return;
    g_free(sum->name);
    g_free(sum->os_type);
    g_free(sum->machine);
    g_free(sum);
}
