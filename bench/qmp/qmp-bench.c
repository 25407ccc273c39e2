/* qmp-bench: time from exec of a VMM to its QMP greeting, and the round
 * trip of query-status. SOCK in the arguments is replaced by a fresh socket
 * path. Each run waits for the socket, reads the greeting, negotiates,
 * times some query-status round trips and ends the VMM with quit.
 *
 * Two phases: RUNS runs that only start, greet, negotiate and quit
 * (ready_us; first_us, exec to the reply to qmp_capabilities, the first
 * moment a client can use the VMM), then
 * min(RUNS, 5) runs of CALLS round trips each (rtt_us, the median of the
 * runs' medians). The greeting of those later runs is timed too
 * (ready_busy_us): on the kvm_pvm host a start that follows a burst of
 * round trips is ~0.3 ms slower for vireo-vmm (not for QEMU), which is the
 * host's scheduling, not the start-up being measured; it is printed so the
 * two can be compared. The clock starts just before posix_spawn (no fork
 * of this process counted) and the socket is awaited with inotify, not by
 * polling connect(): on a 2-CPU host a poller takes CPU from the VMM it
 * times. Prints medians in microseconds:
 *
 *   qmp-bench RUNS CALLS -- COMMAND ARG... (one ARG contains SOCK)
 *   ready_us=23000 rtt_us=78.5 rss_kib=35000 ready_busy_us=23100 first_us=23200
 *
 * With VIREO_BENCH_SPLIT=1 the VMM also runs with VIREO_STARTUP_TRACE=1
 * (src/util/vireo-startup.h) and its stderr is kept; one more line per
 * checkpoint it printed gives the median time from exec to it:
 *
 *   split main=1200 i18n=1300 ... greeted=2500
 */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <poll.h>
#include <spawn.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <glib.h>

static double
now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Buffered reading of one connection: one read() per burst, not per byte,
 * so the client's own cost stays out of the round trip. */
typedef struct {
    int fd;
    char buf[65536];
    size_t len;
} Reader;

/* Next CRLF-terminated line into line (without it); FALSE at EOF. */
static gboolean
read_line(Reader *r, char *line, size_t size)
{
    char *nl;
    while (!(nl = memchr(r->buf, '\n', r->len))) {
        if (r->len == sizeof(r->buf))
            r->len = 0;             /* an over-long line: drop it */
        ssize_t n = read(r->fd, r->buf + r->len, sizeof(r->buf) - r->len);
        if (n <= 0)
            return FALSE;
        r->len += n;
    }
    size_t l = nl - r->buf;
    size_t copy = MIN(l, size - 1);
    memcpy(line, r->buf, copy);
    line[copy > 0 && line[copy - 1] == '\r' ? copy - 1 : copy] = '\0';
    memmove(r->buf, nl + 1, r->len - l - 1);
    r->len -= l + 1;
    return TRUE;
}

/* Reads lines until one that is not an event (the reply). */
static gboolean
read_reply(Reader *r, char *line, size_t size)
{
    do {
        if (!read_line(r, line, size))
            return FALSE;
    } while (strstr(line, "\"event\": ") && !strstr(line, "\"return\""));
    return TRUE;
}

/* -1 with errno: ENOENT (no socket yet), ECONNREFUSED (bound, not listening). */
static int
try_connect(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
        return fd;
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

/* An inotify watch for IN_CREATE on the socket's directory, made once: the
 * close of an inotify instance waits for an RCU grace period (~10 ms). */
static int watch_fd = -1;

static void
wait_created(int timeout_ms)
{
    struct pollfd p = { .fd = watch_fd, .events = POLLIN };
    char buf[4096];
    if (poll(&p, 1, timeout_ms) > 0)
        while (read(watch_fd, buf, sizeof(buf)) > 0)
            ;
}

static long
rss_kib(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", pid);
    g_autofree char *text = NULL;
    const char *p;
    if (!g_file_get_contents(path, &text, NULL, NULL) || !(p = strstr(text, "VmRSS:")))
        return -1;
    return strtol(p + 6, NULL, 10);
}

/* VIREO_BENCH_SPLIT: where the VMM's stderr goes, and the checkpoints
 * seen so far (name -> GArray of microseconds since exec, in order). */
static const char *split_file;
static GPtrArray *split_names;
static GHashTable *split_times;

static void
split_collect(double t0)
{
    g_autofree char *text = NULL;
    if (!split_file || !g_file_get_contents(split_file, &text, NULL, NULL))
        return;
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        char name[64];
        long long ns;
        if (sscanf(lines[i], "vireo-startup: %63s %lld", name, &ns) != 2)
            continue;
        GArray *v = g_hash_table_lookup(split_times, name);
        if (!v) {
            v = g_array_new(FALSE, FALSE, sizeof(double));
            g_hash_table_insert(split_times, g_strdup(name), v);
            g_ptr_array_add(split_names, g_strdup(name));
        }
        double us = ns / 1e3 - t0;
        g_array_append_val(v, us);
    }
}

static void
split_print(void)
{
    if (!split_names || !split_names->len)
        return;
    printf("split");
    for (guint i = 0; i < split_names->len; i++) {
        GArray *v = g_hash_table_lookup(split_times, split_names->pdata[i]);
        printf(" %s=%.0f", (char *)split_names->pdata[i],
               median((double *)v->data, v->len));
    }
    printf("\n");
}

static pid_t
spawn(char **argv, const char *sock, double *t0)
{
    g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
    for (int i = 0; argv[i]; i++) {
        g_auto(GStrv) parts = g_strsplit(argv[i], "SOCK", -1);
        g_ptr_array_add(args, g_strjoinv(sock, parts));
    }
    g_ptr_array_add(args, NULL);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    if (split_file)
        posix_spawn_file_actions_addopen(&fa, 2, split_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    else
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    g_auto(GStrv) env = g_get_environ();
    if (split_file)
        env = g_environ_setenv(env, "VIREO_STARTUP_TRACE", "1", TRUE);
    *t0 = now_us();
    pid_t pid;
    int rc = posix_spawnp(&pid, args->pdata[0], &fa, NULL, (char **)args->pdata, env);
    posix_spawn_file_actions_destroy(&fa);
    return rc == 0 ? pid : -1;
}

/* One run: returns FALSE when the VMM never answered. */
static gboolean
one_run(char **argv, const char *sock, int calls, double *ready, double *first,
        double *rtt, long *rss)
{
    static Reader r;
    char line[4096];
    const char *q = "{\"execute\": \"query-status\"}\n";
    unlink(sock);
    wait_created(0);                    /* forget the last run's events */
    double t0;
    pid_t pid = spawn(argv, sock, &t0);
    int fd = -1;
    if (pid < 0)
        return FALSE;
    while ((fd = try_connect(sock)) < 0) {
        int err = errno;                /* before the calls below change it */
        if (waitpid(pid, NULL, WNOHANG) == pid || now_us() - t0 > 10e6)
            return FALSE;
        if (err == ECONNREFUSED)        /* between bind() and listen() */
            usleep(20);
        else
            wait_created(100);
    }
    r.fd = fd;
    r.len = 0;
    if (!read_line(&r, line, sizeof(line)))
        return FALSE;
    *ready = now_us() - t0;
    *rss = rss_kib(pid);
    if (write(fd, "{\"execute\": \"qmp_capabilities\"}\n", 32) != 32
        || !read_reply(&r, line, sizeof(line)))
        return FALSE;
    *first = now_us() - t0;
    for (int i = 0; i < calls; i++) {
        double s = now_us();
        if (write(fd, q, strlen(q)) != (ssize_t)strlen(q) || !read_reply(&r, line, sizeof(line)))
            return FALSE;
        rtt[i] = now_us() - s;
    }
    if (write(fd, "{\"execute\": \"quit\"}\n", 20) != 20)
        kill(pid, SIGTERM);
    while (read_line(&r, line, sizeof(line)))
        ;
    close(fd);
    waitpid(pid, NULL, 0);
    split_collect(t0);
    return TRUE;
}

int
main(int argc, char **argv)
{
    if (argc < 5 || strcmp(argv[3], "--") != 0) {
        fprintf(stderr, "usage: qmp-bench RUNS CALLS -- COMMAND ARG... (SOCK = socket)\n");
        return 2;
    }
    int runs = atoi(argv[1]), calls = atoi(argv[2]);
    g_autofree char *dir = g_dir_make_tmp("qmp-bench-XXXXXX", NULL);
    g_autofree char *sock = g_build_filename(dir, "q.sock", NULL);
    watch_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (watch_fd < 0 || inotify_add_watch(watch_fd, dir, IN_CREATE) < 0) {
        perror("qmp-bench: inotify");
        return 1;
    }
    int rtt_runs = MIN(runs, 5);
    g_autofree double *ready = g_new(double, runs);
    g_autofree double *first = g_new(double, runs);
    double first_busy;
    g_autofree double *ready_busy = g_new(double, rtt_runs);
    g_autofree double *rtt_med = g_new(double, rtt_runs);
    g_autofree double *rtt = g_new(double, MAX(calls, 1));
    long rss = -1, rss_busy = -1;
    g_autofree char *trace = g_build_filename(dir, "stderr", NULL);
    if (g_getenv("VIREO_BENCH_SPLIT")) {
        split_file = trace;
        split_names = g_ptr_array_new_with_free_func(g_free);
        split_times = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_array_unref);
    }
    for (int r = 0; r < runs + rtt_runs; r++) {
        gboolean timing_rtt = r >= runs;
        if (timing_rtt)
            split_file = NULL;          /* the split is of the ready phase */
        if (!one_run(argv + 4, sock, timing_rtt ? calls : 0,
                     timing_rtt ? &ready_busy[r - runs] : &ready[r],
                     timing_rtt ? &first_busy : &first[r], rtt,
                     timing_rtt ? &rss_busy : &rss)) {
            fprintf(stderr, "qmp-bench: %s did not serve QMP\n", argv[4]);
            return 1;
        }
        if (timing_rtt)
            rtt_med[r - runs] = calls ? median(rtt, calls) : 0;
    }
    unlink(sock);
    unlink(trace);
    rmdir(dir);
    printf("ready_us=%.0f rtt_us=%.1f rss_kib=%ld ready_busy_us=%.0f first_us=%.0f\n",
           median(ready, runs), median(rtt_med, rtt_runs), rss,
           median(ready_busy, rtt_runs), median(first, runs));
    split_print();
    return 0;
}
