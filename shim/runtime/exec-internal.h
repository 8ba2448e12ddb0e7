/*
 * rt_container_exec() in three steps, one file each: the exec's spec
 * (exec-spec.c: config.json again, with the exec's overrides), the parent
 * side (exec-parent.c: namespaces opened, fork into the pid namespace,
 * cgroup, handshake) and the child (exec-child.c: setns, the same process
 * setup as a container start, execve).
 */
#pragma once

#include <stdbool.h>

#include "shim/runtime/child.h"
#include "shim/runtime/container.h"
#include "shim/runtime/spec.h"

/* One namespace of the container's init to join: an fd on /proc/PID/ns/NAME. */
struct rt_exec_ns {
        int fd;
        int type;                       /* CLONE_NEW* */
};

#define RT_EXEC_NS_MAX 8

struct rt_exec_child_ctx {
        const struct rt_spec *spec;     /* the exec's spec (exec-spec.c) */
        int sync;                       /* the child's end of the socketpair */
        int stdio[3];                   /* -1: keep ours */
        struct rt_exec_ns ns[RT_EXEC_NS_MAX];   /* user and mnt excluded, pid joined by the parent */
        size_t n_ns;
        int userns_fd;                  /* -1 when the container shares ours */
        int mntns_fd;                   /* the container's mount namespace */
        const struct rt_seccomp_filter *seccomp;        /* prepared by the parent, or NULL */
};

/*
 * "K=V" entries of overlay replace K in base or are appended; a bare "K"
 * removes K. Returns a new NULL-terminated list, base's order first.
 */
int rt_exec_env_overlay(char *const *base, char *const *overlay, char ***ret);

/* BUNDLE/config.json as the exec must see it: process.* overridden by opts. */
int rt_exec_spec_load(const struct rt_exec_opts *opts, struct rt_spec **ret, struct ctrd_error *err);

/* Applies opts to a parsed spec (rt_exec_spec_load without the reading). */
int rt_exec_spec_override(struct rt_spec *s, const struct rt_exec_opts *opts, struct ctrd_error *err);

/* The exec child's main: never returns. */
_Noreturn void rt_exec_child_main(struct rt_exec_child_ctx *ctx);
