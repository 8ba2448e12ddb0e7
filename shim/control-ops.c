#define LOG_SUBSYSTEM "control"

#include "control-ops.h"

#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs-util.h"
#include "runtime/cgroup.h"
#include "runtime/container.h"
#include "timefmt.h"

#define PROC_STAT_MAX (1024 * 1024)

static inline void decref_jsonp(json_t **p) {
        json_decref(*p);
}

/* jansson integers are signed: a limit past INT64_MAX ("max") is sent as 0, "unlimited". */
static json_t *limit_json(uint64_t v) {
        return json_integer(v > INT64_MAX ? 0 : (json_int_t) v);
}

/*
 * The host's CPU time in ns (the first seven fields of the "cpu" line of
 * /proc/stat, as dockerd sums them) and the number of "cpuN" lines, read
 * right after the cgroup so the two deltas docker's CPU % divides cover the
 * same interval.
 */
static int host_cpu(uint64_t *ret_ns, unsigned *ret_online, struct ctrd_error *err) {
        _cleanup_free_ char *text = NULL;
        unsigned long long f[7] = { 0 };
        size_t len;
        int r = ctrd_read_file("/proc/stat", PROC_STAT_MAX, &text, &len, err);
        if (r < 0)
                return r;
        if (sscanf(text, "cpu %llu %llu %llu %llu %llu %llu %llu",
                   &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6]) != 7)
                return ctrd_error_set(err, EINVAL, "'/proc/stat' has no 'cpu' line");
        unsigned online = 0;
        for (const char *p = strstr(text, "\ncpu"); p; p = strstr(p + 1, "\ncpu"))
                online += p[4] >= '0' && p[4] <= '9';
        uint64_t ticks = 0;
        for (int i = 0; i < 7; i++)
                ticks += f[i];
        long hz = sysconf(_SC_CLK_TCK);
        *ret_ns = ticks * (1000000000ull / (uint64_t) (hz > 0 ? hz : 100));
        *ret_online = online;
        return 0;
}

/* memory.stat's "key value" lines as an object of integers. */
static json_t *memory_stat_json(const char *text) {
        json_t *o = json_object();
        for (const char *p = text; o && p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
                char key[64];
                unsigned long long v;
                if (sscanf(p, "%63s %llu", key, &v) == 2)
                        json_object_set_new(o, key, limit_json(v));
        }
        return o;
}

static json_t *cpu_json(const struct rt_cgroup_usage *u, uint64_t host_ns, unsigned online) {
        json_t *percpu = json_array();
        for (size_t i = 0; percpu && i < u->n_percpu; i++)
                json_array_append_new(percpu, limit_json(u->percpu_ns[i]));
        return json_pack("{s:I, s:I, s:I, s:o*, s:I, s:i, s:I, s:I, s:I}",
                         "total_ns", (json_int_t) u->base.cpu_usage_ns,
                         "user_ns", (json_int_t) u->cpu_user_ns,
                         "system_ns", (json_int_t) u->cpu_system_ns,
                         "percpu_ns", percpu,
                         "system_cpu_ns", (json_int_t) host_ns,
                         "online_cpus", (int) online,
                         "periods", (json_int_t) u->cpu_periods,
                         "throttled_periods", (json_int_t) u->cpu_throttled_periods,
                         "throttled_ns", (json_int_t) u->cpu_throttled_ns);
}

static json_t *stats_json(struct rt_cgroup *cg, struct ctrd_error *err) {
        struct rt_cgroup_usage u = { 0 };
        uint64_t host_ns = 0;
        unsigned online = 0;
        char now[40];

        int r = rt_cgroup_usage(cg, &u, err);
        ctrd_format_rfc3339_now(now, sizeof(now));
        if (r >= 0)
                r = host_cpu(&host_ns, &online, err);
        json_t *o = r < 0 ? NULL : json_pack(
                "{s:b, s:s, s:{s:I, s:o, s:I, s:o*}, s:o*, s:{s:I, s:o}}",
                "ok", 1, "read", now,
                "memory", "usage", (json_int_t) u.base.memory_usage, "limit", limit_json(u.memory_limit),
                "max_usage", (json_int_t) u.memory_max_usage,
                "stats", memory_stat_json(u.memory_stat ? u.memory_stat : ""),
                "cpu", cpu_json(&u, host_ns, online),
                "pids", "current", (json_int_t) u.base.pids_current, "limit", limit_json(u.pids_limit));
        if (r >= 0 && !o)
                ctrd_error_set(err, ENOMEM, "out of memory");
        rt_cgroup_usage_done(&u);
        return o;
}

static json_t *pids_json(struct rt_cgroup *cg, struct ctrd_error *err) {
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        if (rt_cgroup_procs(cg, &pids, &n, err) < 0)
                return NULL;
        json_t *a = json_array();
        for (size_t i = 0; a && i < n; i++)
                json_array_append_new(a, json_integer(pids[i]));
        json_t *o = json_pack("{s:b, s:o*}", "ok", 1, "pids", a);
        if (!o)
                ctrd_error_set(err, ENOMEM, "out of memory");
        return o;
}

/* Dumps o as one reply line; NULL when out of memory. */
static char *reply_line(json_t *o) {
        _cleanup_free_ char *s = json_dumps(o, JSON_COMPACT);
        char *line = NULL;
        if (s && asprintf(&line, "%s\n", s) < 0)
                line = NULL;
        return line;
}

char *shim_control_ops_handle(struct rt_container *c, const struct shim_request *req) {
        struct ctrd_error err = { 0 };
        _cleanup_(decref_jsonp) json_t *o = NULL;
        int r = 0;

        if (!c)
                r = ctrd_error_set(&err, ESRCH, "the container has exited");
        else if (!c->cgroup)
                r = ctrd_error_set(&err, EOPNOTSUPP, "the container has no cgroup");
        else if (req->op == SHIM_OP_PAUSE || req->op == SHIM_OP_RESUME)
                r = rt_cgroup_freeze(c->cgroup, req->op == SHIM_OP_PAUSE, &err);
        else if (req->op == SHIM_OP_STATS)
                r = (o = stats_json(c->cgroup, &err)) ? 0 : -(err.code ? err.code : EIO);
        else if (req->op == SHIM_OP_PIDS)
                r = (o = pids_json(c->cgroup, &err)) ? 0 : -(err.code ? err.code : EIO);
        else
                r = ctrd_error_set(&err, EINVAL, "op %d is not a runtime op", (int) req->op);
        if (r < 0)
                return shim_reply_error(&err);
        return o ? reply_line(o) : shim_reply_ok();
}
