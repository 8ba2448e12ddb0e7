/*
 * The pure part of the cgroup drivers: which files get which values for a
 * struct rt_cgroup_resources, on v1 and on v2. No I/O here, so the unit tests
 * can check every mapping as a table. Unset values produce no setting at all:
 * a fresh cgroup already has the kernel defaults, and every write costs
 * container start time.
 */
#include "cgroup-internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

/* The range the kernel clamps cpu.shares to on v1 (MIN_SHARES, MAX_SHARES). */
#define SHARES_MIN 2
#define SHARES_MAX 262144

static struct rt_cgroup_setting *add(struct rt_cgroup_settings *s, const char *controller,
                                     const char *file) {
        /* RT_CGROUP_SETTINGS_MAX covers every file either mapping can emit. */
        struct rt_cgroup_setting *it = &s->items[s->n++];
        *it = (struct rt_cgroup_setting) { .controller = controller, .file = file };
        return it;
}

static void add_i64(struct rt_cgroup_settings *s, const char *controller, const char *file,
                    int64_t v) {
        snprintf(add(s, controller, file)->num, sizeof(s->items[0].num), "%" PRId64, v);
}

static void add_str(struct rt_cgroup_settings *s, const char *controller, const char *file,
                    const char *v) {
        add(s, controller, file)->str = v;
}

static bool is_set(const char *s) {
        return s && *s;
}

/*
 * The checks both versions share. OCI gives memory_swap as memory+swap, so a
 * positive value needs a memory limit to be measured against and cannot be
 * below it (runc refuses the same requests). 0 counts as unset for the memory
 * values, as runc treats it.
 */
static int check(const struct rt_cgroup_resources *res, struct ctrd_error *err) {
        if (res->memory_limit < -1)
                return ctrd_error_set(err, EINVAL, "invalid memory limit %" PRId64, res->memory_limit);
        if (res->memory_reservation < -1)
                return ctrd_error_set(err, EINVAL, "invalid memory reservation %" PRId64,
                                      res->memory_reservation);
        if (res->memory_swap < -1)
                return ctrd_error_set(err, EINVAL, "invalid memory+swap limit %" PRId64,
                                      res->memory_swap);
        if (res->memory_swap > 0 && res->memory_limit <= 0)
                return ctrd_error_set(err, EINVAL,
                                      "memory+swap limit %" PRId64 " needs a memory limit",
                                      res->memory_swap);
        if (res->memory_swap > 0 && res->memory_swap < res->memory_limit)
                return ctrd_error_set(err, EINVAL,
                                      "memory+swap limit %" PRId64 " is below the memory limit %"
                                      PRId64, res->memory_swap, res->memory_limit);
        if (res->pids_limit < -1)
                return ctrd_error_set(err, EINVAL, "invalid pids limit %" PRId64, res->pids_limit);
        return 0;
}

int rt_cgroup_map_v1(const struct rt_cgroup_resources *res, struct rt_cgroup_settings *ret,
                     struct ctrd_error *err) {
        int r = check(res, err);
        if (r < 0)
                return r;
        ret->n = 0;

        /* memsw must stay >= the memory limit at every step; a fresh cgroup
         * has both unlimited, so the memory limit goes first. */
        if (res->memory_limit > 0)
                add_i64(ret, "memory", "memory.limit_in_bytes", res->memory_limit);
        if (res->memory_reservation > 0)
                add_i64(ret, "memory", "memory.soft_limit_in_bytes", res->memory_reservation);
        if (res->memory_swap != 0) {
                add_i64(ret, "memory", "memory.memsw.limit_in_bytes", res->memory_swap);
                ret->items[ret->n - 1].optional = true;
        }
        if (res->cpu_shares > 0)
                add_i64(ret, "cpu", "cpu.shares", (int64_t) res->cpu_shares);
        /* The period first: the kernel checks quota/period against the parent's. */
        if (res->cpu_period > 0)
                add_i64(ret, "cpu", "cpu.cfs_period_us", (int64_t) res->cpu_period);
        if (res->cpu_quota > 0)
                add_i64(ret, "cpu", "cpu.cfs_quota_us", res->cpu_quota);
        if (is_set(res->cpuset_cpus))
                add_str(ret, "cpuset", "cpuset.cpus", res->cpuset_cpus);
        if (is_set(res->cpuset_mems))
                add_str(ret, "cpuset", "cpuset.mems", res->cpuset_mems);
        if (res->pids_limit == -1)
                add_str(ret, "pids", "pids.max", "max");
        else if (res->pids_limit > 0)
                add_i64(ret, "pids", "pids.max", res->pids_limit);
        return 0;
}

static void device_number(int64_t n, char *buf, size_t len) {
        if (n < 0)
                snprintf(buf, len, "*");
        else
                snprintf(buf, len, "%" PRId64, n);
}

void rt_cgroup_device_rule_line(const struct rt_device_rule *r, char *buf, size_t len) {
        char major[24], minor[24];
        device_number(r->major, major, sizeof(major));
        device_number(r->minor, minor, sizeof(minor));
        const char *access = r->access[0] ? r->access : "rwm";
        /* "a" covers every device whatever the numbers say. */
        if (r->type == 'a')
                snprintf(buf, len, "a *:* %s", access);
        else
                snprintf(buf, len, "%c %s:%s %s", r->type, major, minor, access);
}

uint64_t rt_cgroup_shares_to_weight(uint64_t shares) {
        if (shares == 0)
                return 0;
        if (shares < SHARES_MIN)
                shares = SHARES_MIN;
        if (shares > SHARES_MAX)
                shares = SHARES_MAX;
        /* Maps [2, 262144] linearly onto [1, 10000]; 1024 (the default) becomes 39. */
        return 1 + ((shares - SHARES_MIN) * 9999) / (SHARES_MAX - SHARES_MIN);
}

static void add_cpu_max(struct rt_cgroup_settings *s, const struct rt_cgroup_resources *res) {
        struct rt_cgroup_setting *it = add(s, "cpu", "cpu.max");
        char quota[24] = "max";

        if (res->cpu_quota > 0)
                snprintf(quota, sizeof(quota), "%" PRId64, res->cpu_quota);
        /* Without a period the kernel keeps the current one (100000 by default). */
        if (res->cpu_period > 0)
                snprintf(it->num, sizeof(it->num), "%s %" PRIu64, quota, res->cpu_period);
        else
                snprintf(it->num, sizeof(it->num), "%s", quota);
}

int rt_cgroup_map_v2(const struct rt_cgroup_resources *res, struct rt_cgroup_settings *ret,
                     struct ctrd_error *err) {
        int r = check(res, err);
        if (r < 0)
                return r;
        ret->n = 0;

        if (res->memory_limit > 0)
                add_i64(ret, "memory", "memory.max", res->memory_limit);
        if (res->memory_reservation > 0)
                add_i64(ret, "memory", "memory.low", res->memory_reservation);
        /* v2 limits swap alone, OCI gives memory+swap: the difference, or "max" for -1. */
        if (res->memory_swap == -1)
                add_str(ret, "memory", "memory.swap.max", "max");
        else if (res->memory_swap > 0)
                add_i64(ret, "memory", "memory.swap.max", res->memory_swap - res->memory_limit);
        if (res->memory_swap != 0)
                ret->items[ret->n - 1].optional = true;
        if (res->cpu_shares > 0)
                add_i64(ret, "cpu", "cpu.weight", (int64_t) rt_cgroup_shares_to_weight(res->cpu_shares));
        if (res->cpu_quota > 0 || res->cpu_period > 0)
                add_cpu_max(ret, res);
        if (is_set(res->cpuset_cpus))
                add_str(ret, "cpuset", "cpuset.cpus", res->cpuset_cpus);
        if (is_set(res->cpuset_mems))
                add_str(ret, "cpuset", "cpuset.mems", res->cpuset_mems);
        if (res->pids_limit == -1)
                add_str(ret, "pids", "pids.max", "max");
        else if (res->pids_limit > 0)
                add_i64(ret, "pids", "pids.max", res->pids_limit);
        return 0;
}
