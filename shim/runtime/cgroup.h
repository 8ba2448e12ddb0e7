/*
 * Container cgroups, for cgroup v1 (including hybrid hosts, where the v1
 * controllers are mounted under /sys/fs/cgroup/<controller> and an empty
 * cgroup2 tree under /sys/fs/cgroup/unified) and cgroup v2 (unified), chosen at
 * run time from statfs() of the cgroup root. The driver behind struct
 * rt_cgroup is an ops table (cgroup-v1.c, cgroup-v2.c); callers see only this.
 *
 * The root is a parameter so unit tests can point it at a fake directory.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

enum rt_cgroup_mode {
        RT_CGROUP_V1,           /* legacy or hybrid: controllers in per-controller trees */
        RT_CGROUP_V2,           /* unified */
        _RT_CGROUP_MODE_MAX,
        _RT_CGROUP_MODE_INVALID = -EINVAL,
};

/* Resource limits as linux.resources in the OCI spec gives them; "unset" keeps the kernel default. */
struct rt_cgroup_resources {
        int64_t memory_limit;           /* bytes; -1 (or 0, as runc reads it) unset */
        int64_t memory_reservation;     /* bytes; -1 (or 0) unset */
        int64_t memory_swap;            /* memory+swap bytes (OCI semantics); -1 unlimited, 0 unset */
        uint64_t cpu_shares;            /* v1 shares (2..262144); 0 unset; v2 maps to cpu.weight */
        int64_t cpu_quota;              /* microseconds per period; <= 0 unset */
        uint64_t cpu_period;            /* microseconds; 0 unset */
        const char *cpuset_cpus;        /* NULL unset */
        const char *cpuset_mems;        /* NULL unset */
        int64_t pids_limit;             /* 0 unset, -1 unlimited */
        const struct rt_device_rule *device_rules;      /* linux.resources.devices, in order */
        size_t n_device_rules;
};

/* One device cgroup rule: "allow or deny TYPE MAJOR:MINOR ACCESS". */
struct rt_device_rule {
        bool allow;
        char type;                      /* 'a' (all), 'b' or 'c' */
        int64_t major, minor;           /* -1: any */
        char access[4];                 /* a subset of "rwm"; "" means "rwm" */
};

#define RT_CGROUP_RESOURCES_INIT                                               \
        { .memory_limit = -1, .memory_reservation = -1, .memory_swap = 0,     \
          .cpu_shares = 0, .cpu_quota = -1, .cpu_period = 0,                 \
          .cpuset_cpus = NULL, .cpuset_mems = NULL, .pids_limit = 0,         \
          .device_rules = NULL, .n_device_rules = 0 }

struct rt_cgroup;

/* Detects the mode of the hierarchy mounted at root (normally "/sys/fs/cgroup"). */
int rt_cgroup_detect(const char *root, enum rt_cgroup_mode *ret, struct ctrd_error *err);

/*
 * Creates the cgroup at path (linux.cgroupsPath: "/parent/name", relative to
 * the hierarchy root) in every hierarchy the mode uses, and applies res. On
 * failure nothing created is left behind.
 */
int rt_cgroup_create(const char *root, const char *path, const struct rt_cgroup_resources *res,
                     struct rt_cgroup **ret, struct ctrd_error *err);

/* Moves pid into the cgroup (every hierarchy). */
int rt_cgroup_enter(struct rt_cgroup *cg, pid_t pid, struct ctrd_error *err);

/* An fd that becomes readable when the kernel OOM-kills inside the cgroup
 * (v1: eventfd on memory.oom_control; v2: inotify on memory.events). Owned by cg. */
int rt_cgroup_oom_fd(struct rt_cgroup *cg, struct ctrd_error *err);

/* Consumes the pending notification on the oom fd so it can be polled again.
 * On v2 the fd also wakes for other memory.events changes (high, max): compare
 * rt_cgroup_oom_kills() before and after. */
int rt_cgroup_oom_drain(struct rt_cgroup *cg);

/* Number of OOM kills so far (v1 memory.oom_control oom_kill; v2 memory.events oom_kill). */
int rt_cgroup_oom_kills(struct rt_cgroup *cg, uint64_t *ret, struct ctrd_error *err);

/* Usage counters, for `docker stats`; a counter the host does not keep reads 0. */
struct rt_cgroup_stats {
        uint64_t memory_usage;          /* bytes: v1 memory.usage_in_bytes, v2 memory.current */
        uint64_t cpu_usage_ns;          /* v1 cpuacct.usage, v2 cpu.stat usage_usec * 1000 */
        uint64_t pids_current;          /* pids.current */
};

int rt_cgroup_stats(struct rt_cgroup *cg, struct rt_cgroup_stats *ret, struct ctrd_error *err);

/* Freezes or thaws every process in the cgroup (v1 freezer, v2 cgroup.freeze). */
int rt_cgroup_freeze(struct rt_cgroup *cg, bool frozen, struct ctrd_error *err);

/* Kills whatever is left in the cgroup and removes its directories. */
int rt_cgroup_destroy(struct rt_cgroup *cg, struct ctrd_error *err);

enum rt_cgroup_mode rt_cgroup_get_mode(const struct rt_cgroup *cg);
/* The root and the normalized path it was created or opened with, for rt_cgroup_open(). */
const char *rt_cgroup_get_root(const struct rt_cgroup *cg);
const char *rt_cgroup_get_path(const struct rt_cgroup *cg);

/* Frees the handle (does not remove the cgroup). Accepts NULL. */
void rt_cgroup_free(struct rt_cgroup *cg);

/* Re-opens an existing container cgroup by path (used after a restart). */
int rt_cgroup_open(const char *root, const char *path, struct rt_cgroup **ret,
                   struct ctrd_error *err);

/* Everything `docker stats` shows beyond rt_cgroup_stats (cgroup-usage.c). A
 * counter or limit the host does not keep reads 0; "max" reads UINT64_MAX. */
struct rt_cgroup_usage {
        struct rt_cgroup_stats base;
        uint64_t memory_limit;          /* v1 memory.limit_in_bytes, v2 memory.max */
        uint64_t memory_max_usage;      /* v1 memory.max_usage_in_bytes, v2 memory.peak */
        uint64_t cpu_user_ns, cpu_system_ns;
        uint64_t cpu_periods, cpu_throttled_periods, cpu_throttled_ns;
        uint64_t pids_limit;            /* pids.max */
        uint64_t *percpu_ns;            /* v1 cpuacct.usage_percpu; none on v2 */
        size_t n_percpu;
        char *memory_stat;              /* memory.stat verbatim ("key value" lines), or NULL */
};

int rt_cgroup_usage(struct rt_cgroup *cg, struct rt_cgroup_usage *ret, struct ctrd_error *err);
/* Frees what rt_cgroup_usage allocated in u. Accepts NULL. */
void rt_cgroup_usage_done(struct rt_cgroup_usage *u);

/* The pids in the cgroup (cgroup.procs), as a new array. */
int rt_cgroup_procs(struct rt_cgroup *cg, pid_t **ret, size_t *ret_n, struct ctrd_error *err);
