/*
 * ctrd-shim-monitor's exec start (behind its shim_exec_start_fn): the runtime's part
 * done by a short-lived `ctrd-shim exec-helper` (exec-helper.c), so the
 * resident monitor links neither the runtime nor libseccomp and libcap.
 */
#pragma once

#include <sys/types.h>

#include "control-exec.h"

/* Where the helper is and what it needs. */
struct shim_monitor_exec {
        const char *shim;               /* ctrd-shim */
        const char *bundle;
        pid_t pid;                      /* the container's init */
        const char *cgroup_root, *cgroup_path;  /* NULL without a cgroup */
        const char *seccomp_cache;      /* NULL: none */
};

/* As shim_exec_start_fn: starts req's process with stdio (its ends) through a helper. */
int shim_monitor_exec(const struct shim_monitor_exec *x, const struct shim_exec_request *req, const int stdio[3],
                      pid_t *ret_pid, int *ret_pty, struct ctrd_error *err);
