/*
 * Execs in ctrd-shim-monitor: each runs `ctrd-shim exec-helper` (the
 * dynamic binary with the runtime) as our child, sends it the request and
 * the process's stdio, and waits for its answer and its exit. The process
 * it started is our child too (CLONE_PARENT), so control-exec.c sees it
 * exactly as when the runtime ran in this process.
 */
#define LOG_SUBSYSTEM "exec"

#include "monitor-exec.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "exec-helper-msg.h"

/* How long a helper may take: the runtime gives up on a process after 5 s. */
#define HELPER_TIMEOUT_SEC 30
#define REPLY_MAX 4096

/* The helper's command line, built before fork() so the child only dup2()s and execs. */
static void helper_argv(const struct shim_monitor_exec *x, char *pid, size_t pid_size, const char *argv[]) {
        size_t n = 0;
        snprintf(pid, pid_size, "%d", (int) x->pid);
        argv[n++] = x->shim;
        argv[n++] = "exec-helper";
        argv[n++] = "--bundle";
        argv[n++] = x->bundle;
        argv[n++] = "--pid";
        argv[n++] = pid;
        if (x->seccomp_cache) {
                argv[n++] = "--seccomp-cache";
                argv[n++] = x->seccomp_cache;
        }
        if (x->cgroup_path) {
                argv[n++] = "--cgroup-root";
                argv[n++] = x->cgroup_root;
                argv[n++] = "--cgroup-path";
                argv[n++] = x->cgroup_path;
        }
        argv[n] = NULL;
}

static pid_t spawn_helper(const struct shim_monitor_exec *x, int *ret_sock, struct ctrd_error *err) {
        const char *argv[14];
        char pid_str[16];
        int sv[2];

        helper_argv(x, pid_str, sizeof(pid_str), argv);
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return ctrd_error_sys(err, errno, "exec: socketpair");
        pid_t pid = fork();
        if (pid < 0) {
                int r = ctrd_error_sys(err, errno, "exec: forking the helper");
                close(sv[0]);
                close(sv[1]);
                return r;
        }
        if (pid == 0) {
                /* dup2() leaves the copy without close-on-exec; the same fd keeps it, so clear it. */
                if (sv[1] == SHIM_HELPER_FD ? fcntl(sv[1], F_SETFD, 0) < 0 : dup2(sv[1], SHIM_HELPER_FD) < 0)
                        _exit(127);
                execv(x->shim, (char *const *) argv);
                _exit(127);
        }
        close(sv[1]);
        *ret_sock = sv[0];
        return pid;
}

/* {"ok":true,"pid":N} or {"ok":false,"error":...,"errno":N}, as the helper answers. */
static int parse_reply(const char *buf, size_t len, pid_t *ret_pid, struct ctrd_error *err) {
        json_auto_t *o = json_loadb(buf, len, 0, NULL);
        json_t *pid = json_object_get(o, "pid");
        if (json_is_true(json_object_get(o, "ok")) && json_is_integer(pid) && json_integer_value(pid) > 0) {
                *ret_pid = (pid_t) json_integer_value(pid);
                return 0;
        }
        const char *msg = json_string_value(json_object_get(o, "error"));
        int code = (int) json_integer_value(json_object_get(o, "errno"));
        if (!msg || code <= 0)
                return ctrd_error_set(err, EPROTO, "exec: the helper's answer is not understood");
        return ctrd_error_set(err, code, "%s", msg);
}

/* Sends the request, reads the answer; the helper's exit is the caller's to wait for. */
static int talk(int sock, const struct shim_exec_request *req, const int stdio[3], pid_t *ret_pid,
                int *ret_pty, struct ctrd_error *err) {
        struct timeval tv = { .tv_sec = HELPER_TIMEOUT_SEC };
        _cleanup_free_ char *line = shim_helper_request("helper", req);
        char reply[REPLY_MAX];
        int pty = -1;

        if (!line)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if (setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
                return ctrd_error_sys(err, errno, "exec: setting the helper's timeout");
        int r = shim_helper_send(sock, line, strlen(line), stdio, req->tty ? 0 : 3, err);
        if (r < 0)
                return r;
        ssize_t n = shim_helper_recv(sock, reply, sizeof(reply), &pty, 1, err);
        if (n < 0)
                return (int) n;
        r = parse_reply(reply, (size_t) n, ret_pid, err);
        if (r >= 0 && req->tty && pty < 0)
                r = ctrd_error_set(err, EPROTO, "exec: the helper sent no pty");
        if (r < 0) {
                safe_close(pty);
                return r;
        }
        *ret_pty = pty;
        return 0;
}

int shim_monitor_exec(const struct shim_monitor_exec *x, const struct shim_exec_request *req, const int stdio[3],
                      pid_t *ret_pid, int *ret_pty, struct ctrd_error *err) {
        _cleanup_close_ int sock = -EBADF;
        int st = 0;

        pid_t helper = spawn_helper(x, &sock, err);
        if (helper < 0)
                return helper;
        int r = talk(sock, req, stdio, ret_pid, ret_pty, err);
        if (r < 0)
                kill(helper, SIGKILL);
        while (waitpid(helper, &st, 0) < 0)
                if (errno != EINTR)
                        return ctrd_error_sys(err, errno, "exec: waiting for the helper");
        if (r < 0 && WIFEXITED(st) && WEXITSTATUS(st) == 127 && err->code == ECONNRESET)
                return ctrd_error_set(err, ENOEXEC, "exec: cannot run the helper '%s'", x->shim);
        return r;
}
