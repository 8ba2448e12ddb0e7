/*
 * The one place where an exec request meets the runtime, called by
 * `ctrd-shim exec-helper` (exec-helper.c) for the resident monitor, which
 * links without the runtime. The process is the helper's parent's child:
 * the monitor's.
 */
#include "control-exec.h"

#include <errno.h>

#include "runtime/container.h"

int shim_exec_runtime(const struct rt_container *c, const char *bundle, const char *seccomp_cache,
                      const struct shim_exec_request *req, const int stdio[3], pid_t *ret_pid, int *ret_pty,
                      struct ctrd_error *err) {
        struct rt_exec_user user = {
                .uid = req->uid, .gid = req->gid,
                .additional_gids = req->additional_gids, .n_additional_gids = req->n_additional_gids,
        };
        struct rt_exec_opts opts = {
                .bundle = bundle, .args = req->args, .env = req->env, .cwd = req->cwd,
                .user = req->has_user ? &user : NULL,
                .terminal = req->tty, .privileged = req->privileged,
                .stdio = { stdio[0], stdio[1], stdio[2] },
                .seccomp_cache = seccomp_cache, .clone_parent = true,
        };
        if (!c)
                return ctrd_error_set(err, ESRCH, "the container is not running");
        return rt_container_exec(c, &opts, ret_pid, ret_pty, err);
}
