/*
 * `ctrd-shim exec-helper`: one exec for ctrd-shim-monitor, which has no
 * runtime linked in. Reads the request on fd 3 (exec-helper-msg.h), starts
 * the process with rt_container_exec() as the monitor's child (CLONE_PARENT:
 * its parent-death signal and its reaping are the monitor's, as before the
 * handover), answers with its pid (and pty master) and exits. The monitor
 * is blocked on our answer meanwhile, so the container's init, its unreaped
 * child, keeps its pid for the /proc/PID/ns files opened here.
 */
#define LOG_SUBSYSTEM "exec"

#include "exec-helper.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "control-exec.h"
#include "exec-helper-msg.h"
#include "log.h"
#include "runtime/cgroup.h"
#include "runtime/container.h"
#include "string-util.h"

struct helper_args {
        const char *bundle;
        pid_t pid;
        const char *cgroup_root, *cgroup_path;
        const char *seccomp_cache;
};

static int parse_args(int argc, char *argv[], struct helper_args *a, struct ctrd_error *err) {
        static const struct option options[] = {
                { "bundle",      required_argument, NULL, 'b' },
                { "pid",         required_argument, NULL, 'p' },
                { "cgroup-root", required_argument, NULL, 'r' },
                { "cgroup-path", required_argument, NULL, 'c' },
                { "seccomp-cache", required_argument, NULL, 's' },
                {}
        };
        int64_t v;
        int c;

        opterr = 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                switch (c) {
                case 'b': a->bundle = optarg; break;
                case 'r': a->cgroup_root = optarg; break;
                case 'c': a->cgroup_path = optarg; break;
                case 's': a->seccomp_cache = optarg; break;
                case 'p':
                        if (ctrd_parse_int64(optarg, 2, INT32_MAX, &v) < 0)
                                return ctrd_error_set(err, EINVAL, "--pid: '%s' is not a pid", optarg);
                        a->pid = (pid_t) v;
                        break;
                default:
                        return ctrd_error_set(err, EINVAL, "unknown option or missing value: '%s'",
                                              argv[optind - 1]);
                }
        if (!a->bundle || !a->pid || optind != argc || !a->cgroup_root != !a->cgroup_path)
                return ctrd_error_set(err, EINVAL, "started by hand? ctrd-shim-monitor runs this, with "
                                      "--bundle, --pid and the request on fd %d", SHIM_HELPER_FD);
        return 0;
}

/* Receives the request and starts its process; the pty master in *ret_pty with a tty. */
static int start(const struct helper_args *a, pid_t *ret_pid, int *ret_pty, struct ctrd_error *err) {
        _cleanup_free_ char *buf = malloc(SHIM_HELPER_MSG_MAX);
        struct rt_container c = { .pid = a->pid, .pty_master = -1 };
        struct shim_request req = { .exec = NULL };
        int stdio[3];

        if (!buf)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        ssize_t n = shim_helper_recv(SHIM_HELPER_FD, buf, SHIM_HELPER_MSG_MAX, stdio, 3, err);
        if (n < 0)
                return (int) n;
        int r = shim_request_parse(buf, (size_t) n, &req, err);
        if (r >= 0 && (req.op != SHIM_OP_EXEC || (!req.exec->tty && (stdio[0] < 0 || stdio[1] < 0 || stdio[2] < 0))))
                r = ctrd_error_set(err, EPROTO, "exec helper: not an exec request with its stdio");
        if (r >= 0 && a->cgroup_path)
                r = rt_cgroup_open(a->cgroup_root, a->cgroup_path, &c.cgroup, err);
        if (r >= 0)
                r = shim_exec_runtime(&c, a->bundle, a->seccomp_cache, req.exec, stdio, ret_pid, ret_pty, err);
        for (int i = 0; i < 3; i++)
                safe_close(stdio[i]);
        rt_cgroup_free(c.cgroup);
        shim_exec_request_free(req.exec);
        return r;
}

int shim_exec_helper_main(int argc, char *argv[]) {
        struct helper_args a = { .bundle = NULL };
        struct ctrd_error err = { 0 };
        _cleanup_free_ char *reply = NULL;
        pid_t pid = 0;
        int pty = -1;

        ctrd_log_set_ident("ctrd-shim");
        if (parse_args(argc, argv, &a, &err) < 0) {
                log_error("%s", err.msg);
                return 2;
        }
        int r = start(&a, &pid, &pty, &err);
        reply = r < 0 ? shim_reply_error(&err) : shim_exec_reply_started(pid);
        if (!reply || shim_helper_send(SHIM_HELPER_FD, reply, strlen(reply), &pty, 1, &err) < 0) {
                log_error("answering the monitor: %s", reply ? err.msg : "out of memory");
                if (r >= 0)
                        kill(pid, SIGKILL);     /* unknown to the monitor, which reaps it all the same */
                return 1;
        }
        return 0;
}
