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
