/*
 * The container child: everything between clone() and execve(). It runs in
 * a copy of the parent's memory, single-threaded, and reports the first step
 * that fails (name, path, errno) over the sync socket before exiting.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "shim/runtime/cgroup.h"
#include "shim/runtime/seccomp.h"
#include "shim/runtime/spec.h"

/* The step that failed, as the parent will print it: "<step> <path>: <strerror>". */
struct rt_step_error {
        const char *step;
        char path[512];
        int errnum;
};

struct rt_child_ctx {
        const struct rt_spec *spec;
        int sync;                       /* the child's end of the socketpair */
        int stdio[3];                   /* -1: keep what we inherited */
        const char *cgroup_root;        /* "/sys/fs/cgroup" or the caller's */
        enum rt_cgroup_mode cgroup_mode;
        bool new_userns, new_netns, new_cgroupns;
        bool joined_userns;             /* linux.namespaces user with a path */
        char *self_cgroup;              /* /proc/self/cgroup before the cgroup namespace */
        bool in_cgroup;                 /* GO received: the parent has moved us into the cgroup */
        const struct rt_seccomp_filter *seccomp;        /* prepared by the parent, or NULL */
};

/* Records the failure and returns -errnum; errnum may be negative. */
int rt_fail(struct rt_step_error *e, const char *step, const char *path, int errnum);

/* The child's main: never returns. */
_Noreturn void rt_child_main(struct rt_child_ctx *ctx);

/* Default dispositions for every signal and an empty mask (also used by exec-child.c). */
int rt_signals_reset(struct rt_step_error *e);

/* Steps, in the order rt_child_main runs them (see docs/shim-runtime.md). */
int rt_rootfs_prepare(const struct rt_spec *s, int *ret_rootfd, struct rt_step_error *e);
/* Mounts [from, to) of the spec, in order. */
int rt_mounts_apply(const struct rt_child_ctx *ctx, int rootfd, size_t from, size_t to,
                    struct rt_step_error *e);
/* The index of the first cgroup mount, or n_mounts. */
size_t rt_mounts_first_cgroup(const struct rt_spec *s);
/*
 * Creates, as rt_mounts_apply would, the targets of mounts from `from` on
 * that no earlier mount covers, so that work overlaps the parent's move of
 * us into the cgroup. Failures are left for rt_mounts_apply to report.
 */
void rt_mounts_precreate(const struct rt_child_ctx *ctx, int rootfd, size_t from);
int rt_mount_cgroupfs(const struct rt_child_ctx *ctx, int rootfd, const struct rt_mount *m,
                      struct rt_step_error *e);
int rt_devices_create(const struct rt_child_ctx *ctx, int rootfd, struct rt_step_error *e);
int rt_rootfs_pivot(int rootfd, struct rt_step_error *e);
int rt_rootfs_finish(const struct rt_spec *s, struct rt_step_error *e);
int rt_terminal_setup(int sync, struct rt_step_error *e);
int rt_process_setup(const struct rt_spec *s, struct rt_step_error *e);
int rt_caps_drop_bounding(const struct rt_spec *s, struct rt_step_error *e);
int rt_user_switch(const struct rt_spec *s, struct rt_step_error *e);
int rt_caps_apply(const struct rt_spec *s, struct rt_step_error *e);
int rt_fds_close_on_exec(struct rt_step_error *e);
int rt_exec(const struct rt_spec *s, struct rt_step_error *e);

/* Mount helpers shared by the steps. */
/* Remounts the bind mount at path with flags, keeping the flags the kernel locked on it. */
int rt_remount_bind(const char *path, unsigned long flags);
/* "/proc/self/fd/N" for fd. */
const char *rt_fd_path(char buf[static 32], int fd);
