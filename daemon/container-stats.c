/*
 * GET /containers/{id}/stats in Docker's shape (docker-api.md §3.10) from
 * the shim's cgroup counters. The CLI derives everything from these fields:
 * CPU % from the deltas of cpu_usage.total_usage and system_cpu_usage
 * against precpu_stats, memory from usage minus (total_)inactive_file over
 * limit, PIDS from pids_stats.current.
 */
#include "container-ops.h"

#include <errno.h>
#include <string.h>
#include <sys/sysinfo.h>

#include "cleanup.h"
#include "container-internal.h"

/* Reading counters takes the shim well under a millisecond; this bounds a stuck one. */
#define STATS_TIMEOUT_MS 1000
/* What Go's zero time.Time encodes to: dockerd's read/preread for "no sample". */
#define ZERO_TIME "0001-01-01T00:00:00Z"

int ctr_stats_sample(struct ctr *c, struct ctrd_shim_stats *ret, struct ctrd_error *err) {
        if (!ctr_is_running(c))
                return ctrd_error_set(err, EBUSY, "Container %s is not running", c->rec.id);
        _cleanup_close_ int fd = ctr_ops_connect(c, STATS_TIMEOUT_MS, err);
        int r = fd < 0 ? fd : ctrd_shim_stats(fd, ret, err);
        if (r < 0)
                return ctrd_error_wrap(err, "reading the counters of container %s", c->rec.id);
        return 0;
}

/* dockerd shows the host's memory as the limit of an unlimited container. */
static uint64_t memory_limit(uint64_t limit) {
        struct sysinfo si;
        if (sysinfo(&si) < 0)
                return limit;
        uint64_t host = (uint64_t) si.totalram * si.mem_unit;
        return limit == 0 || limit > host ? host : limit;
}

static json_t *zero_cpu(void) {
        return json_pack("{s:{s:i, s:i, s:i}, s:{s:i, s:i, s:i}}",
                         "cpu_usage", "total_usage", 0, "usage_in_kernelmode", 0, "usage_in_usermode", 0,
                         "throttling_data", "periods", 0, "throttled_periods", 0, "throttled_time", 0);
}

static json_t *cpu_json(const struct ctrd_shim_stats *s) {
        if (!s)
                return zero_cpu();
        json_t *usage = json_pack("{s:I, s:I, s:I}", "total_usage", (json_int_t) s->cpu_total_ns,
                                  "usage_in_kernelmode", (json_int_t) s->cpu_system_ns,
                                  "usage_in_usermode", (json_int_t) s->cpu_user_ns);
        /* Like dockerd on cgroup v2, no percpu_usage when the host keeps none. */
        json_t *percpu = s->n_percpu ? json_array() : NULL;
        for (size_t i = 0; percpu && i < s->n_percpu; i++)
                json_array_append_new(percpu, json_integer((json_int_t) s->percpu_ns[i]));
        if (usage && percpu)
                json_object_set_new(usage, "percpu_usage", percpu);
        return json_pack("{s:o*, s:I, s:i, s:{s:I, s:I, s:I}}", "cpu_usage", usage,
                         "system_cpu_usage", (json_int_t) s->system_cpu_ns,
                         "online_cpus", (int) s->online_cpus,
                         "throttling_data", "periods", (json_int_t) s->cpu_periods,
                         "throttled_periods", (json_int_t) s->cpu_throttled_periods,
                         "throttled_time", (json_int_t) s->cpu_throttled_ns);
}

static json_t *memory_json(const struct ctrd_shim_stats *s) {
        if (!s)
                return json_object();
        json_t *stats = json_object();
        for (size_t i = 0; stats && i < s->n_memory_stat; i++)
                json_object_set_new(stats, s->memory_stat[i].key,
                                    json_integer((json_int_t) s->memory_stat[i].value));
        json_t *o = json_pack("{s:I, s:o*, s:I}", "usage", (json_int_t) s->memory_usage,
                              "stats", stats, "limit", (json_int_t) memory_limit(s->memory_limit));
        /* cgroup v2 before Linux 5.19 keeps no peak: dockerd omits the field then. */
        if (o && s->memory_max_usage)
                json_object_set_new(o, "max_usage", json_integer((json_int_t) s->memory_max_usage));
        return o;
}

static json_t *pids_json(const struct ctrd_shim_stats *s) {
        if (!s)
                return json_object();
        json_t *o = json_pack("{s:I}", "current", (json_int_t) s->pids_current);
        if (o && s->pids_limit)
                json_object_set_new(o, "limit", json_integer((json_int_t) s->pids_limit));
        return o;
}

/* No block I/O accounting yet: the lists are there, empty, as dockerd sends them on v2. */
static json_t *blkio_json(void) {
        return json_pack("{s:[], s:[], s:[], s:[], s:[], s:[], s:[], s:[]}",
                         "io_service_bytes_recursive", "io_serviced_recursive", "io_queue_recursive",
                         "io_service_time_recursive", "io_wait_time_recursive", "io_merged_recursive",
                         "io_time_recursive", "sectors_recursive");
}

json_t *ctr_stats_json(struct ctr *c, const struct ctrd_shim_stats *cur,
                       const struct ctrd_shim_stats *pre) {
        _cleanup_free_ char *name = NULL;
        if (asprintf(&name, "/%s", c->rec.name) < 0)
                return NULL;
        return json_pack("{s:s, s:s, s:o*, s:o*, s:i, s:{}, s:o*, s:o*, s:o*, s:s, s:s}",
                         "read", cur ? cur->read : ZERO_TIME,
                         "preread", pre ? pre->read : ZERO_TIME,
                         "pids_stats", pids_json(cur),
                         "blkio_stats", blkio_json(),
                         "num_procs", 0,
                         "storage_stats",
                         "cpu_stats", cpu_json(cur),
                         "precpu_stats", cpu_json(pre),
                         "memory_stats", memory_json(cur),
                         "name", name, "id", c->rec.id);
}
