/*
 * The runtime's entry point: start the container an OCI bundle describes, as
 * a child of the caller, and clean up after it. Used by `ctrd-shim run`
 * (foreground) and by the shim's monitor (daemon mode). No libuv, no SQLite,
 * no threads in here.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

struct rt_run_opts {
        const char *bundle;             /* directory holding config.json */
        const char *id;                 /* container id: [A-Za-z0-9][A-Za-z0-9_.-]* */
        int stdio[3];                   /* the container's stdin/stdout/stderr; -1 = inherit ours
                                         * (ignored when process.terminal is true) */
        const char *cgroup_root;        /* NULL = "/sys/fs/cgroup" */
        const char *seccomp_cache;      /* directory of compiled seccomp filters; NULL = none */
};

struct rt_container {
        pid_t pid;                      /* the container's init, a child of the caller */
        int pty_master;                 /* process.terminal: the pty master, else -1 */
        bool terminal;
        struct rt_cgroup *cgroup;       /* NULL when the spec asks for none */
        void *priv;                     /* runtime-private state (parsed spec, ...) */
};

/*
 * Creates the container and starts its process. On success the process is
 * running the spec's args (exec has happened) and *ret is owned by the
 * caller, who reaps pid. On failure nothing is left: no process, cgroup or
 * mount, and err says which step failed on which path with which errno;
 * the return value is -errno, with -ENOENT for a missing executable and
 * -EACCES for one that cannot be executed (run maps these to 127 / 126).
 */
int rt_container_start(const struct rt_run_opts *opts, struct rt_container **ret,
                       struct ctrd_error *err);

/* After the caller reaped pid: kills leftovers, removes the cgroup, frees c. Accepts NULL. */
int rt_container_destroy(struct rt_container *c, struct ctrd_error *err);

/* The exec's own user (Docker's exec User, resolved by the caller). */
struct rt_exec_user {
        uid_t uid;
        gid_t gid;
        const gid_t *additional_gids;
        size_t n_additional_gids;
};

/*
 * A process to run inside a running container (`docker exec`). It gets the
 * settings of the container's process.* from BUNDLE/config.json, read again,
 * with these overrides.
 */
struct rt_exec_opts {
        const char *bundle;             /* the bundle the container was started from */
        char *const *args;              /* NULL-terminated, at least one */
        char *const *env;               /* "K=V" set on top of process.env, "K" removes K; may be NULL */
        const char *cwd;                /* NULL: process.cwd */
        const struct rt_exec_user *user;        /* NULL: process.user */
        bool terminal;                  /* a new pty in the container's devpts */
        bool privileged;                /* every capability of the bounding set, no seccomp */
        int stdio[3];                   /* -1: inherit ours; ignored with terminal */
        const char *seccomp_cache;      /* as in rt_run_opts; NULL = none */
        bool clone_parent;              /* CLONE_PARENT: the process is our parent's child, who
                                         * reaps it (ctrd-shim exec-helper, which exits at once) */
};

/*
 * Starts a process in every namespace and the cgroup of c's init, with its
 * capabilities, seccomp filter, no_new_privs, rlimits, umask and user
 * (unless overridden). The process is a child of the caller, who reaps it.
 * *ret_pty gets the pty master with opts->terminal, else -1. Errors as
 * rt_container_start: the failed step, its path and errno in err, -ENOENT /
 * -EACCES only for an executable that is missing / not executable.
 * -ETIMEDOUT when the process did not get to execve() within 5 s (in a
 * frozen cgroup it cannot): it was sent SIGKILL but is left to the caller's
 * reaping, since a frozen process dies only once thawed.
 */
int rt_container_exec(const struct rt_container *c, const struct rt_exec_opts *opts, pid_t *ret_pid,
                      int *ret_pty, struct ctrd_error *err);
