/*
 * Inside the cgroup module: the handle, the driver ops table, the pure
 * mapping from struct rt_cgroup_resources to (controller, file, value)
 * settings, and the file helpers both drivers share. Not for callers outside
 * shim/runtime/cgroup-*.c, except the unit tests, which use the *_in entry
 * points to force a mode on a fake directory (statfs cannot be faked).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
#include "error.h"

/* One directory the cgroup lives in: v1 has one per hierarchy, v2 exactly one. */
struct rt_cgroup_dir {
        char *path;             /* absolute: <mount point><cgroup path> */
        char *controllers;      /* v1 super options ("rw,cpu,cpuacct", "rw,name=systemd");
                                 * "" for the unified dir of a hybrid host and for v2 */
        char *created_top;      /* the highest directory create() made, NULL if all existed;
                                 * used only to roll back a failed create */
};

struct rt_cgroup;

struct rt_cgroup_ops {
        int (*create)(struct rt_cgroup *cg, const struct rt_cgroup_resources *res,
                      struct ctrd_error *err);
        int (*open)(struct rt_cgroup *cg, struct ctrd_error *err);
        int (*enter)(struct rt_cgroup *cg, pid_t pid, struct ctrd_error *err);
        int (*oom_fd)(struct rt_cgroup *cg, struct ctrd_error *err);
        int (*oom_kills)(struct rt_cgroup *cg, uint64_t *ret, struct ctrd_error *err);
        int (*stats)(struct rt_cgroup *cg, struct rt_cgroup_stats *ret, struct ctrd_error *err);
        int (*freeze)(struct rt_cgroup *cg, bool frozen, struct ctrd_error *err);
        int (*destroy)(struct rt_cgroup *cg, struct ctrd_error *err);
};

struct rt_cgroup {
        const struct rt_cgroup_ops *ops;
        enum rt_cgroup_mode mode;
        char *root;             /* the hierarchy root, e.g. "/sys/fs/cgroup" */
        char *path;             /* normalized cgroup path: "/a/b" */
        char *mountinfo;        /* v1 only: where hierarchies are discovered */
        struct rt_cgroup_dir *dirs;
        size_t n_dirs;
        int oom_fd;             /* eventfd (v1) or inotify fd (v2); -EBADF until asked for */
};

extern const struct rt_cgroup_ops rt_cgroup_v1_ops;
extern const struct rt_cgroup_ops rt_cgroup_v2_ops;

/* What the public entry points resolve before dispatching; tests fill it by hand. */
struct rt_cgroup_host {
        enum rt_cgroup_mode mode;
        const char *root;
        const char *mountinfo;  /* v1: normally "/proc/self/mountinfo" */
};

int rt_cgroup_create_in(const struct rt_cgroup_host *host, const char *path,
                        const struct rt_cgroup_resources *res, struct rt_cgroup **ret,
                        struct ctrd_error *err);
int rt_cgroup_open_in(const struct rt_cgroup_host *host, const char *path,
                      struct rt_cgroup **ret, struct ctrd_error *err);

/* Checks and normalizes linux.cgroupsPath: absolute, no "." / "..", not the root,
 * no systemd "slice:prefix:name" form; duplicate slashes and a trailing one go. */
int rt_cgroup_path_normalize(const char *path, char **ret, struct ctrd_error *err);

/* v1: fills cg->dirs with <mount point><cg->path> for every cgroup hierarchy mounted
 * directly under cg->root (from cg->mountinfo), including a hybrid host's cgroup2. */
int rt_cgroup_v1_discover(struct rt_cgroup *cg, struct ctrd_error *err);

/* ---- mapping (cgroup-map.c): pure, no I/O ---- */

#define RT_CGROUP_SETTINGS_MAX 10

struct rt_cgroup_setting {
        const char *controller; /* "memory", "cpu", "cpuset" or "pids" */
        const char *file;
        const char *str;        /* the caller's string (cpuset lists), or NULL: use num */
        char num[48];
        bool optional;          /* skipped when the kernel lacks the file (swap accounting off) */
};

struct rt_cgroup_settings {
        size_t n;
        struct rt_cgroup_setting items[RT_CGROUP_SETTINGS_MAX];
};

static inline const char *rt_cgroup_setting_value(const struct rt_cgroup_setting *s) {
        return s->str ? s->str : s->num;
}

/* The writes res needs, in the order they must happen; EINVAL for contradictory values. */
int rt_cgroup_map_v1(const struct rt_cgroup_resources *res, struct rt_cgroup_settings *ret,
                     struct ctrd_error *err);
int rt_cgroup_map_v2(const struct rt_cgroup_resources *res, struct rt_cgroup_settings *ret,
                     struct ctrd_error *err);

/* v2 device rules: the eBPF program for rules (cgroup-v2-devices.c), and attaching it. */
struct bpf_insn;
int rt_cgroup_v2_devices_program(const struct rt_device_rule *rules, size_t n_rules,
                                 struct bpf_insn **ret, size_t *ret_n);
int rt_cgroup_v2_devices_apply(const char *dir, const struct rt_device_rule *rules, size_t n_rules,
                               struct ctrd_error *err);

/* A device rule as the v1 devices controller reads it: "c 1:3 rwm", "a *:* rwm". */
void rt_cgroup_device_rule_line(const struct rt_device_rule *r, char *buf, size_t len);

/* cpu.shares (v1) to cpu.weight (v2), the conversion runc and crun use; 0 stays 0. */
uint64_t rt_cgroup_shares_to_weight(uint64_t shares);

/* ---- file helpers (cgroup-util.c) ---- */

/* Writes value to dir/file (O_TRUNC, one write). The error names both. */
int rt_cgroup_write(const char *dir, const char *file, const char *value,
                    struct ctrd_error *err);

/* Reads dir/file into buf (NUL-terminated, at most size - 1 bytes); returns the length. */
int rt_cgroup_read(const char *dir, const char *file, char *buf, size_t size,
                   struct ctrd_error *err);

/* Reads "key value" from a flat keyed file (memory.events, memory.oom_control, cgroup.events). */
int rt_cgroup_read_key(const char *dir, const char *file, const char *key, uint64_t *ret,
                       struct ctrd_error *err);

/* Reads a counter: the whole file as one number, or the value of key in a keyed file.
 * A missing dir (NULL) or file gives 0: the host does not keep that counter. */
int rt_cgroup_read_counter(const char *dir, const char *file, const char *key, uint64_t *ret,
                           struct ctrd_error *err);

/* Writes pid to dir/cgroup.procs. */
int rt_cgroup_write_pid(const char *dir, pid_t pid, struct ctrd_error *err);

/* Creates base + rel level by level (rel starts with '/'); *created_top is the highest
 * directory made, or NULL when everything existed. */
int rt_cgroup_mkdir_levels(const char *base, const char *rel, char **created_top,
                           struct ctrd_error *err);

/* Removes leaf and its parents up to and including top (rollback of mkdir_levels). */
void rt_cgroup_rmdir_up(const char *leaf, const char *top);

/* SIGKILLs every process in dir and its descendants until none is left. */
int rt_cgroup_kill_tree(const char *dir, struct ctrd_error *err);

/* Removes dir and its child cgroups, retrying while the kernel still reports them busy.
 * A dir that is already gone is fine. */
int rt_cgroup_rmdir_tree(const char *dir, struct ctrd_error *err);

/* Sleeps a little longer on each attempt (for polling loops bounded by the caller). */
void rt_cgroup_backoff(unsigned attempt);

/* true when token appears in the comma-separated list. */
bool rt_cgroup_list_has(const char *list, const char *token);
