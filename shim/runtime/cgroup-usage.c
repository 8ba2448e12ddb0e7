/*
 * What `docker stats` and `docker top` need from a container's cgroup beyond
 * rt_cgroup_stats(): limits, peak usage, the CPU split and throttling, the
 * per-CPU times, memory.stat as the kernel writes it, and the member pids.
 * Both versions are read here, side by side, because the difference is only
 * which file in which directory holds a number (docs/cgroups.md, "Usage").
 */
#include "cgroup-internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs-util.h"

/* memory.stat and cgroup.procs of a busy container fit; a fork bomb's pid list is cut here. */
#define USAGE_FILE_MAX (1024 * 1024)

/* v1: the hierarchy carrying controller; v2: the one directory. NULL when not mounted. */
static const char *dir_for(struct rt_cgroup *cg, const char *controller) {
        if (cg->mode == RT_CGROUP_V2)
                return cg->n_dirs > 0 ? cg->dirs[0].path : NULL;
        for (size_t i = 0; i < cg->n_dirs; i++)
                if (rt_cgroup_list_has(cg->dirs[i].controllers, controller))
                        return cg->dirs[i].path;
        return NULL;
}

/* A whole-file number; "max" reads as UINT64_MAX; a missing dir or file reads 0. */
static int read_num(const char *dir, const char *file, uint64_t *ret, struct ctrd_error *err) {
        char buf[64];
        *ret = 0;
        if (!dir)
                return 0;
        int r = rt_cgroup_read(dir, file, buf, sizeof(buf), err);
        if (r == -ENOENT) {
                ctrd_error_clear(err);
                return 0;
        }
        if (r < 0)
                return r;
        if (strncmp(buf, "max", 3) == 0) {
                *ret = UINT64_MAX;
                return 0;
        }
        if (sscanf(buf, "%" SCNu64, ret) != 1)
                return ctrd_error_set(err, EINVAL, "'%s/%s' holds no number", dir, file);
        return 0;
}

/* A key of a flat keyed file; a missing dir, file or key reads 0 (the host does not count it). */
static int read_key(const char *dir, const char *file, const char *key, uint64_t *ret,
                    struct ctrd_error *err) {
        *ret = 0;
        if (!dir)
                return 0;
        int r = rt_cgroup_read_key(dir, file, key, ret, err);
        if (r == -ENOENT || r == -ENODATA) {
                ctrd_error_clear(err);
                return 0;
        }
        return r;
}

/* A whole file on the heap; *ret stays NULL when the dir or file does not exist. */
static int read_text(const char *dir, const char *file, char **ret, struct ctrd_error *err) {
        _cleanup_free_ char *path = NULL;
        size_t len;
        *ret = NULL;
        if (!dir)
                return 0;
        if (asprintf(&path, "%s/%s", dir, file) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        int r = ctrd_read_file(path, USAGE_FILE_MAX, ret, &len, err);
        if (r == -ENOENT) {
                ctrd_error_clear(err);
                return 0;
        }
        return r;
}

/* Whitespace-separated numbers (cpuacct.usage_percpu, cgroup.procs) into a new array. */
static int parse_numbers(const char *text, uint64_t **ret, size_t *ret_n, struct ctrd_error *err) {
        size_t n = 0, cap = 0;
        _cleanup_free_ uint64_t *v = NULL;

        for (const char *p = text; p && *p; ) {
                char *end;
                p += strspn(p, " \t\n");
                if (!*p)
                        break;
                errno = 0;
                uint64_t x = strtoull(p, &end, 10);
                if (errno != 0 || end == p)
                        return ctrd_error_set(err, EINVAL, "not a number list: '%.32s'", p);
                if (n == cap) {
                        cap = cap ? cap * 2 : 16;
                        uint64_t *nv = reallocarray(v, cap, sizeof(*v));
                        if (!nv)
                                return ctrd_error_set(err, ENOMEM, "out of memory");
                        v = nv;
                }
                v[n++] = x;
                p = end;
        }
        *ret = TAKE_PTR(v);
        *ret_n = n;
        return 0;
}

/* v1 cpuacct.stat counts USER_HZ ticks; everything else here is in ns. */
static uint64_t ticks_to_ns(uint64_t ticks) {
        long hz = sysconf(_SC_CLK_TCK);
        return ticks * (1000000000ull / (uint64_t) (hz > 0 ? hz : 100));
}

static int usage_v1(struct rt_cgroup *cg, struct rt_cgroup_usage *u, struct ctrd_error *err) {
        const char *mem = dir_for(cg, "memory"), *acct = dir_for(cg, "cpuacct");
        const char *cpu = dir_for(cg, "cpu");
        _cleanup_free_ char *percpu = NULL;
        uint64_t user = 0, sys = 0;
        int r = read_num(mem, "memory.limit_in_bytes", &u->memory_limit, err);

        if (r >= 0)
                r = read_num(mem, "memory.max_usage_in_bytes", &u->memory_max_usage, err);
        if (r >= 0)
                r = read_key(acct, "cpuacct.stat", "user", &user, err);
        if (r >= 0)
                r = read_key(acct, "cpuacct.stat", "system", &sys, err);
        if (r >= 0)
                r = read_key(cpu, "cpu.stat", "nr_periods", &u->cpu_periods, err);
        if (r >= 0)
                r = read_key(cpu, "cpu.stat", "nr_throttled", &u->cpu_throttled_periods, err);
        if (r >= 0)
                r = read_key(cpu, "cpu.stat", "throttled_time", &u->cpu_throttled_ns, err);
        if (r >= 0)
                r = read_text(acct, "cpuacct.usage_percpu", &percpu, err);
        if (r >= 0 && percpu)
                r = parse_numbers(percpu, &u->percpu_ns, &u->n_percpu, err);
        if (r >= 0)
                r = read_text(mem, "memory.stat", &u->memory_stat, err);
        u->cpu_user_ns = ticks_to_ns(user);
        u->cpu_system_ns = ticks_to_ns(sys);
        return r;
}

static int usage_v2(struct rt_cgroup *cg, struct rt_cgroup_usage *u, struct ctrd_error *err) {
        const char *dir = dir_for(cg, NULL);
        uint64_t user = 0, sys = 0, throttled = 0;
        int r = read_num(dir, "memory.max", &u->memory_limit, err);

        /* memory.peak exists from Linux 5.19; older kernels have no peak to show. */
        if (r >= 0)
                r = read_num(dir, "memory.peak", &u->memory_max_usage, err);
        if (r >= 0)
                r = read_key(dir, "cpu.stat", "user_usec", &user, err);
        if (r >= 0)
                r = read_key(dir, "cpu.stat", "system_usec", &sys, err);
        if (r >= 0)
                r = read_key(dir, "cpu.stat", "nr_periods", &u->cpu_periods, err);
        if (r >= 0)
                r = read_key(dir, "cpu.stat", "nr_throttled", &u->cpu_throttled_periods, err);
        if (r >= 0)
                r = read_key(dir, "cpu.stat", "throttled_usec", &throttled, err);
        if (r >= 0)
                r = read_text(dir, "memory.stat", &u->memory_stat, err);
        u->cpu_user_ns = user * 1000;
        u->cpu_system_ns = sys * 1000;
        u->cpu_throttled_ns = throttled * 1000;
        return r;
}

int rt_cgroup_usage(struct rt_cgroup *cg, struct rt_cgroup_usage *ret, struct ctrd_error *err) {
        struct rt_cgroup_usage u = { 0 };
        int r = rt_cgroup_stats(cg, &u.base, err);
        if (r >= 0)
                r = read_num(dir_for(cg, "pids"), "pids.max", &u.pids_limit, err);
        if (r >= 0)
                r = cg->mode == RT_CGROUP_V2 ? usage_v2(cg, &u, err) : usage_v1(cg, &u, err);
        if (r < 0) {
                rt_cgroup_usage_done(&u);
                return r;
        }
        *ret = u;
        return 0;
}

void rt_cgroup_usage_done(struct rt_cgroup_usage *u) {
        if (!u)
                return;
        free(u->percpu_ns);
        free(u->memory_stat);
        u->percpu_ns = NULL;
        u->memory_stat = NULL;
        u->n_percpu = 0;
}

int rt_cgroup_procs(struct rt_cgroup *cg, pid_t **ret, size_t *ret_n, struct ctrd_error *err) {
        /* Every process is entered into every hierarchy; pids is the one Docker reads. */
        const char *dir = dir_for(cg, "pids");
        if (!dir && cg->n_dirs > 0)
                dir = cg->dirs[0].path;
        _cleanup_free_ char *text = NULL;
        _cleanup_free_ uint64_t *v = NULL;
        size_t n = 0;
        int r = read_text(dir, "cgroup.procs", &text, err);
        if (r >= 0 && !text)
                r = ctrd_error_set(err, ENOENT, "the container's cgroup has no cgroup.procs");
        if (r >= 0)
                r = parse_numbers(text, &v, &n, err);
        if (r < 0)
                return r;
        pid_t *pids = calloc(n ? n : 1, sizeof(pid_t));
        if (!pids)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++)
                pids[i] = (pid_t) v[i];
        *ret = pids;
        *ret_n = n;
        return 0;
}
