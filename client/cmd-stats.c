/*
 * ctrctl stats: one GET /containers/ID/stats per container, all on their own
 * connections driven together. --no-stream asks for one sample each
 * (stream=0) and prints one table; otherwise the streams stay open and the
 * table is redrawn every second from the newest sample of each container.
 * CPU % and memory are computed from the stats JSON as docker's CLI does.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "cmd-containers.h"
#include "cmd.h"
#include "format.h"
#include "stream.h"

#define STATS_TABLE "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}"

struct stats_entry {
        char *container;                /* as the user named it, or the short ID */
        struct ctl_stream stream;
        struct ctl_lines lines;
        json_t *last;                   /* newest sample */
        bool failed;                    /* the daemon refused (no such container, ...) */
};

struct stats_opts {
        bool all, no_stream, no_trunc;
        const char *format;
};

static int on_sample(void *userdata, const char *line, size_t len) {
        struct stats_entry *e = userdata;
        json_t *j = json_loadb(line, len, 0, NULL);
        if (j) {
                json_decref(e->last);
                e->last = j;
        }
        return 0;
}

static int feed_lines(void *userdata, const char *data, size_t len) {
        return ctl_lines_feed(userdata, data, len);
}

static uint64_t u64(json_t *o, const char *key) {
        return (uint64_t) json_integer_value(json_object_get(o, key));
}

static double cpu_percent(json_t *s) {
        json_t *cpu = json_object_get(s, "cpu_stats"), *pre = json_object_get(s, "precpu_stats");
        json_t *usage = json_object_get(cpu, "cpu_usage");
        double cpu_delta = (double) u64(usage, "total_usage") -
                           (double) u64(json_object_get(pre, "cpu_usage"), "total_usage");
        double sys_delta = (double) u64(cpu, "system_cpu_usage") - (double) u64(pre, "system_cpu_usage");
        double online = (double) u64(cpu, "online_cpus");
        if (online == 0)
                online = (double) json_array_size(json_object_get(usage, "percpu_usage"));
        return cpu_delta > 0 && sys_delta > 0 ? cpu_delta / sys_delta * online * 100.0 : 0.0;
}

/* Usage minus the page cache that could be dropped, as docker's CLI counts it. */
static double mem_used(json_t *mem) {
        json_t *st = json_object_get(mem, "stats");
        uint64_t usage = u64(mem, "usage");
        json_t *v1 = json_object_get(st, "total_inactive_file");
        if (v1 && (uint64_t) json_integer_value(v1) < usage)
                return (double) (usage - (uint64_t) json_integer_value(v1));
        uint64_t inactive = u64(st, "inactive_file");
        return (double) (inactive < usage ? usage - inactive : usage);
}

static void io_totals(json_t *s, double *rx, double *tx, double *rd, double *wr) {
        const char *k;
        json_t *v;
        size_t i;
        *rx = *tx = *rd = *wr = 0;
        json_object_foreach(json_object_get(s, "networks"), k, v) {
                *rx += (double) u64(v, "rx_bytes");
                *tx += (double) u64(v, "tx_bytes");
        }
        json_array_foreach(json_object_get(json_object_get(s, "blkio_stats"),
                                           "io_service_bytes_recursive"), i, v) {
                const char *op = json_string_value(json_object_get(v, "op"));
                if (op && (op[0] == 'r' || op[0] == 'R'))
                        *rd += (double) u64(v, "value");
                else if (op && (op[0] == 'w' || op[0] == 'W'))
                        *wr += (double) u64(v, "value");
        }
}

/* The row docker's stats --format sees; "--" everywhere until a sample arrived. */
static json_t *stats_row(const struct stats_entry *e, bool no_trunc) {
        json_t *s = e->last;
        const char *id = json_string_value(json_object_get(s, "id"));
        const char *name = json_string_value(json_object_get(s, "name"));
        char cpu[32] = "--", mem[64] = "-- / --", memp[32] = "--", net[64] = "--", blk[64] = "--",
             pids[32] = "--", a[24], b[24];
        if (s) {
                double limit = (double) u64(json_object_get(s, "memory_stats"), "limit");
                double used = mem_used(json_object_get(s, "memory_stats")), rx, tx, rd, wr;
                snprintf(cpu, sizeof(cpu), "%.2f%%", cpu_percent(s));
                ctl_bytes_size(used, a, sizeof(a));
                ctl_bytes_size(limit, b, sizeof(b));
                snprintf(mem, sizeof(mem), "%s / %s", a, b);
                snprintf(memp, sizeof(memp), "%.2f%%", limit > 0 ? used / limit * 100.0 : 0.0);
                io_totals(s, &rx, &tx, &rd, &wr);
                ctl_human_size(rx, 3, a, sizeof(a));
                ctl_human_size(tx, 3, b, sizeof(b));
                snprintf(net, sizeof(net), "%s / %s", a, b);
                ctl_human_size(rd, 3, a, sizeof(a));
                ctl_human_size(wr, 3, b, sizeof(b));
                snprintf(blk, sizeof(blk), "%s / %s", a, b);
                snprintf(pids, sizeof(pids), "%llu",
                         (unsigned long long) u64(json_object_get(s, "pids_stats"), "current"));
        }
        _cleanup_free_ char *short_id = strndup(id ? id : e->container, no_trunc ? SIZE_MAX : 12);
        return json_pack("{s:s, s:s?, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
                         "BlockIO", blk, "CPUPerc", cpu, "Container", e->container, "ID", short_id,
                         "MemPerc", memp, "MemUsage", mem, "Name", name && *name ? name + 1 : "--",
                         "NetIO", net, "PIDs", pids);
}

static json_t *stats_header(void) {
        return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
                         "BlockIO", "BLOCK I/O", "CPUPerc", "CPU %", "Container", "CONTAINER",
                         "ID", "CONTAINER ID", "MemPerc", "MEM %", "MemUsage", "MEM USAGE / LIMIT",
                         "Name", "NAME", "NetIO", "NET I/O", "PIDs", "PIDS");
}

/* The containers on show, each with its own stats stream; live and unnamed, it follows events. */
struct stats_set {
        struct stats_entry **v;         /* pointers: curl holds each entry's address */
        size_t n;
        struct ctl_streams m;
        struct ctl_client *c;
        const struct stats_opts *o;
        struct ctl_stream events;
        struct ctl_lines event_lines;
        json_t *pending;                /* [action, short ID] pairs seen by the event callback */
};

static int print_table(const struct stats_set *set, bool clear) {
        struct ctrd_error err = { 0 };
        struct ctl_format fmt;
        int r = ctl_format_init(&fmt, set->o->format, STATS_TABLE, &err);
        if (r >= 0 && fmt.table) {
                json_t *h = stats_header();
                r = ctl_format_row(&fmt, h, &err);
                json_decref(h);
        }
        for (size_t i = 0; i < set->n && r >= 0; i++) {
                if (set->v[i]->failed)
                        continue;       /* its error was printed instead, as docker does */
                json_t *row = stats_row(set->v[i], set->o->no_trunc);
                r = row ? ctl_format_row(&fmt, row, &err) : -ENOMEM;
                json_decref(row);
        }
        if (r >= 0) {
                if (clear)
                        fputs("\033[2J\033[H", stdout);
                ctl_format_flush(&fmt, stdout, 10);
        } else {
                ctl_error("stats: %s", err.msg[0] ? err.msg : "out of memory");
        }
        ctl_format_done(&fmt);
        return r;
}

/* The running (or, with -a, all) containers by short ID, when none were named. */
static int list_containers(struct ctl_client *c, bool all, json_t **ret_ids) {
        json_t *list = NULL;
        int status = ctl_call(c, "GET", all ? "/containers/json?all=1" : "/containers/json", NULL, &list);
        if (status < 200 || status >= 300)
                return -EIO;
        *ret_ids = json_array();
        size_t i;
        json_t *ctr;
        json_array_foreach(list, i, ctr) {
                const char *id = json_string_value(json_object_get(ctr, "Id"));
                if (id)
                        json_array_append_new(*ret_ids, json_stringn(id, strlen(id) < 12 ? strlen(id) : 12));
        }
        json_decref(list);
        return 0;
}

static void entry_free(struct stats_set *set, struct stats_entry *e) {
        ctl_streams_remove(&set->m, &e->stream);
        ctl_stream_close(&e->stream);
        ctl_lines_done(&e->lines);
        json_decref(e->last);
        free(e->container);
        free(e);
}

/* Adds a container and opens its stats stream. */
static int set_add(struct stats_set *set, const char *container) {
        struct stats_entry **v = realloc(set->v, (set->n + 1) * sizeof(*v));
        struct stats_entry *e = calloc(1, sizeof(*e));
        if (v)
                set->v = v;
        if (!v || !e || !(e->container = strdup(container))) {
                free(e);
                return -ENOMEM;
        }
        set->v[set->n++] = e;
        _cleanup_free_ char *path = ctl_container_path(
                set->c, container, set->o->no_stream ? "/stats?stream=0" : "/stats?stream=1");
        ctl_lines_init(&e->lines, on_sample, e);
        if (!path || ctl_stream_open(set->c, &e->stream, "GET", path, NULL, feed_lines, &e->lines) < 0 ||
            ctl_streams_add(&set->m, &e->stream) < 0)
                return -ENOMEM;
        return 0;
}

static ssize_t set_find(const struct stats_set *set, const char *container) {
        for (size_t i = 0; i < set->n; i++)
                if (strcmp(set->v[i]->container, container) == 0)
                        return (ssize_t) i;
        return -1;
}

/* Queues container starts and ends: streams may not be added or removed inside a curl callback. */
static int on_event(void *userdata, const char *line, size_t len) {
        struct stats_set *set = userdata;
        json_t *ev = json_loadb(line, len, 0, NULL);
        const char *action = json_string_value(json_object_get(ev, "Action"));
        const char *id = json_string_value(json_object_get(json_object_get(ev, "Actor"), "ID"));
        if (action && id && strlen(id) >= 12)
                json_array_append_new(set->pending, json_pack("[s, s#]", action, id, (int) 12));
        json_decref(ev);
        return 0;
}

/* As docker stats does: a started container joins, a dead one leaves (unless -a), a removed one leaves. */
static void apply_events(struct stats_set *set) {
        size_t i;
        json_t *pair;
        json_array_foreach(set->pending, i, pair) {
                const char *action = json_string_value(json_array_get(pair, 0));
                const char *id = json_string_value(json_array_get(pair, 1));
                ssize_t at = set_find(set, id);
                if (strcmp(action, "start") == 0 && at < 0) {
                        if (set_add(set, id) < 0)
                                ctl_error("stats: out of memory");
                } else if (at >= 0 && (strcmp(action, "destroy") == 0 ||
                                       (strcmp(action, "die") == 0 && !set->o->all))) {
                        entry_free(set, set->v[at]);
                        memmove(&set->v[at], &set->v[at + 1], (set->n - (size_t) at - 1) * sizeof(*set->v));
                        set->n--;
                }
        }
        json_array_clear(set->pending);
}

static int follow_events(struct stats_set *set) {
        static const char path[] = "/events?filters=%7B%22type%22%3A%7B%22container%22%3Atrue%7D%7D";
        set->pending = json_array();
        ctl_lines_init(&set->event_lines, on_event, set);
        if (!set->pending ||
            ctl_stream_open(set->c, &set->events, "GET", path, NULL, feed_lines, &set->event_lines) < 0)
                return -ENOMEM;
        return ctl_streams_add(&set->m, &set->events);
}

static int64_t now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Drives the streams; live mode redraws every second until every stream ended (or forever). */
static int drive(struct stats_set *set) {
        bool live = !set->o->no_stream;
        int64_t next = now_ms() + (live ? 500 : 0);
        while (ctl_streams_step(&set->m) > 0) {
                if (set->pending)
                        apply_events(set);
                if (live && now_ms() >= next) {
                        if (print_table(set, isatty(STDOUT_FILENO)) < 0)
                                return 1;
                        next = now_ms() + 1000;
                }
                ctl_streams_poll(&set->m, 100);
        }
        int rc = 0;
        for (size_t i = 0; i < set->n; i++) {
                struct stats_entry *e = set->v[i];
                ctl_lines_feed(&e->lines, "\n", 1);     /* a last object without its newline */
                if (e->stream.result < 0 || e->stream.status < 200 || e->stream.status >= 300) {
                        ctl_stream_print_error(&e->stream);
                        e->failed = true;
                        rc = 1;
                }
        }
        if (!live && print_table(set, false) < 0)
                rc = 1;
        return rc;
}

/* names: what the user gave, or NULL to show every running (or, with -a, every) container. */
static int stats_run(struct ctl_client *c, json_t *names, const struct stats_opts *o) {
        struct stats_set set = { .c = c, .o = o };
        json_t *listed = NULL;
        int r = ctl_streams_init(&set.m);
        if (r >= 0 && !names && !o->no_stream)
                r = follow_events(&set);        /* before listing, so no start falls in between */
        if (r >= 0 && !names)
                r = list_containers(c, o->all, &listed);
        size_t i;
        json_t *name;
        json_array_foreach(names ? names : listed, i, name)
                if (r >= 0)
                        r = set_add(&set, json_string_value(name));
        int rc = r < 0 ? 1 : set.n == 0 && o->no_stream ? print_table(&set, false) < 0 : drive(&set);
        for (i = 0; i < set.n; i++)
                entry_free(&set, set.v[i]);
        ctl_streams_remove(&set.m, &set.events);
        ctl_stream_close(&set.events);
        ctl_lines_done(&set.event_lines);
        json_decref(set.pending);
        json_decref(listed);
        ctl_streams_done(&set.m);
        free(set.v);
        return rc;
}

static const char stats_help[] =
        "  -a, --all             Show all containers (default shows just running)\n"
        "      --format string   Format output using a custom template:\n"
        "                        'table':            Print output in table format with column "
        "headers (default)\n"
        "                        'table TEMPLATE':   Print output in table format using the given "
        "Go template\n"
        "                        'json':             Print in JSON format\n"
        "                        'TEMPLATE':         Print output using the given Go template\n"
        "      --no-stream       Disable streaming stats and only pull the first result\n"
        "      --no-trunc        Do not truncate output\n";

int ctl_cmd_stats(struct ctl_client *c, int argc, char *argv[]) {
        static const struct option longs[] = {
                { "all", no_argument, NULL, 'a' }, { "no-stream", no_argument, NULL, 'S' },
                { "no-trunc", no_argument, NULL, 'T' }, { "format", required_argument, NULL, 'F' },
                { "help", no_argument, NULL, 'H' }, {}
        };
        struct stats_opts o = { 0 };
        int opt;
        optind = 0;
        opterr = 0;
        while ((opt = getopt_long(argc, argv, "a", longs, NULL)) >= 0) {
                switch (opt) {
                case 'a': o.all = true; break;
                case 'S': o.no_stream = true; break;
                case 'T': o.no_trunc = true; break;
                case 'F': o.format = optarg; break;
                case 'H':
                        ctl_usage("ctrctl stats [OPTIONS] [CONTAINER...]",
                                  "Display a live stream of container(s) resource usage statistics",
                                  stats_help);
                        return 0;
                default:
                        ctl_bad_flag("stats", optopt, argv, optind);
                        return 1;
                }
        }
        json_t *names = NULL;
        if (optind < argc) {
                names = json_array();
                for (int i = optind; i < argc; i++)
                        json_array_append_new(names, json_string(argv[i]));
        }
        int rc = stats_run(c, names, &o);
        json_decref(names);
        return rc;
}
