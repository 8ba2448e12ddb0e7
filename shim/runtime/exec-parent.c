/*
 * rt_container_exec(), the parent side:
 *
 *   config.json again + overrides -> open the init's /proc/PID/ns files -> socketpair ->
 *   join the init's pid namespace for our children -> fork -> come back ->
 *   move the child into the cgroup -> GO -> (PTY) -> EXEC -> EOF
 *
 * The namespaces are opened before the fork, while the init is known to be
 * our unreaped child, so they cannot belong to a recycled pid. The pid
 * namespace is the one joined here rather than in the child, because
 * setns() on a pid namespace only affects children: joining it in the child
 * would need a second fork, and the exec would no longer be our child to
 * reap. Until the handshake is done the child is held by a variable that
 * kills and reaps it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "shim/runtime/cgroup.h"
#include "shim/runtime/exec-internal.h"
#include "shim/runtime/spec-internal.h"
#include "shim/runtime/sync.h"

/* How long the exec's setup may take before we give up on it. */
#define HANDSHAKE_TIMEOUT_SEC 5

struct exec_ns {
        struct rt_exec_ns ns[RT_EXEC_NS_MAX];
        size_t n;
        int user, mnt, pid;             /* -EBADF when not the container's own */
};

static void exec_ns_close(struct exec_ns *x) {
        for (size_t i = 0; i < x->n; i++)
                safe_close(x->ns[i].fd);
        x->n = 0;
        x->user = safe_close(x->user);
        x->mnt = safe_close(x->mnt);
        x->pid = safe_close(x->pid);
}

static void kill_and_reapp(pid_t *pid) {
        if (*pid <= 0)
                return;
        kill(*pid, SIGKILL);
        while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
                ;
        *pid = 0;
}

static const char *proc_ns_name(int type) {
        switch (type) {
        case CLONE_NEWNET:      return "net";
        case CLONE_NEWIPC:      return "ipc";
        case CLONE_NEWUTS:      return "uts";
        case CLONE_NEWPID:      return "pid";
        case CLONE_NEWCGROUP:   return "cgroup";
        case CLONE_NEWUSER:     return "user";
        case CLONE_NEWNS:       return "mnt";
        default:                return NULL;
        }
}

/* Opens the init's namespace of each type the spec gives the container (new or joined). */
static int open_namespaces(pid_t init, const struct rt_spec *s, struct exec_ns *x,
                           struct ctrd_error *err) {
        char path[64];

        for (size_t i = 0; i < s->n_namespaces; i++) {
                int type = s->namespaces[i].type;
                const char *name = proc_ns_name(type);
                if (!name || x->n == RT_EXEC_NS_MAX)
                        return ctrd_error_set(err, EOPNOTSUPP, "exec: cannot join namespace type %#x",
                                              (unsigned) type);
                snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int) init, name);
                int fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        return ctrd_error_sys(err, errno, "opening '%s'", path);
                if (type == CLONE_NEWUSER)
                        x->user = fd;
                else if (type == CLONE_NEWNS)
                        x->mnt = fd;
                else if (type == CLONE_NEWPID)
                        x->pid = fd;
                else
                        x->ns[x->n++] = (struct rt_exec_ns) { .fd = fd, .type = type };
        }
        if (x->mnt < 0)
                return ctrd_error_set(err, EINVAL, "exec: the container has no mount namespace");
        return 0;
}

/* fork() with our children's pid namespace set to the container's for the moment. */
static pid_t fork_in_pidns(int pidns, bool clone_parent, struct rt_exec_child_ctx *ctx, int parent_end,
                           struct ctrd_error *err) {
        _cleanup_close_ int own = -EBADF;

        if (pidns >= 0) {
                own = open("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC);
                if (own < 0)
                        return ctrd_error_sys(err, errno, "opening '/proc/self/ns/pid_for_children'");
                if (setns(pidns, CLONE_NEWPID) < 0)
                        return ctrd_error_sys(err, errno, "joining the container's pid namespace");
        }
        pid_t pid = clone_parent ? (pid_t) syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, 0)
                                 : fork();
        if (pid == 0) {
                safe_close(parent_end);
                rt_exec_child_main(ctx);
        }
        int fork_errno = errno;
        /* Back at once: every later child of ours (a container's exec included) expects it. */
        if (own >= 0 && setns(own, CLONE_NEWPID) < 0) {
                int r = ctrd_error_sys(err, errno, "returning to the shim's pid namespace");
                kill_and_reapp(&pid);
                return r;
        }
        if (pid < 0)
                return ctrd_error_sys(err, fork_errno, "fork into the container's pid namespace");
        return pid;
}

/* Like container.c: -ENOENT / -EACCES only when execve() itself failed. */
static int child_error(struct ctrd_error *err) {
        if (strncmp(err->msg, "exec ", 5) == 0 || (err->code != ENOENT && err->code != EACCES))
                return -err->code;
        err->code = EINVAL;
        return -EINVAL;
}

/*
 * GO, (PTY), EXEC, then EOF (execve happened) or ERROR. Every wait is
 * bounded: a child that entered a frozen cgroup (a paused container) would
 * otherwise hold the caller, a single-threaded monitor, for good.
 */
static int handshake(int sock, bool terminal, int *ret_pty, struct ctrd_error *err) {
        struct timeval tv = { .tv_sec = HANDSHAKE_TIMEOUT_SEC };
        _cleanup_close_ int pty = -EBADF;
        struct rt_sync_msg msg;
        int r;

        if (setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
                return ctrd_error_sys(err, errno, "sync: setting a timeout");
        if ((r = rt_sync_send(sock, RT_SYNC_GO, -1)) < 0)
                return ctrd_error_sys(err, -r, "sync: sending 'go'");
        if (terminal && rt_sync_expect(sock, RT_SYNC_PTY, &pty, err) < 0)
                return child_error(err);
        if (rt_sync_expect(sock, RT_SYNC_EXEC, NULL, err) < 0)
                return child_error(err);
        r = rt_sync_recv(sock, &msg, NULL);
        if (r < 0)
                return ctrd_error_sys(err, -r, "sync: waiting for exec");
        if (r > 0) {
                if (msg.phase != RT_SYNC_ERROR)
                        return ctrd_error_set(err, EPROTO, "sync: unexpected message after 'exec'");
                rt_sync_error_from_msg(&msg, err);
                return child_error(err);
        }
        *ret_pty = terminal ? TAKE_FD(pty) : -1;
        return 0;
}

static int spawn(const struct rt_container *c, const struct rt_exec_opts *o, const struct rt_spec *s,
                 const struct rt_seccomp_filter *filter, struct exec_ns *x, pid_t *ret_pid,
                 int *ret_pty, struct ctrd_error *err) {
        _cleanup_(kill_and_reapp) pid_t pid = 0;
        _cleanup_close_ int parent_end = -EBADF, child_end = -EBADF;
        int sv[2], r;

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return ctrd_error_sys(err, errno, "socketpair");
        parent_end = sv[0];
        child_end = sv[1];
        struct rt_exec_child_ctx ctx = {
                .spec = s, .sync = child_end, .n_ns = x->n,
                .stdio = { o->stdio[0], o->stdio[1], o->stdio[2] },
                .userns_fd = x->user, .mntns_fd = x->mnt, .seccomp = filter,
        };
        memcpy(ctx.ns, x->ns, sizeof(ctx.ns));
        if ((pid = fork_in_pidns(x->pid, o->clone_parent, &ctx, parent_end, err)) < 0)
                return pid;
        child_end = safe_close(child_end);
        exec_ns_close(x);
        if (c->cgroup && (r = rt_cgroup_enter(c->cgroup, pid, err)) < 0)
                return ctrd_error_wrap(err, "entering the cgroup");
        r = handshake(parent_end, s->terminal, ret_pty, err);
        if (r == -EAGAIN) {
                /* Killed but not waited for: a frozen child dies only once thawed.
                 * It is our child, so the caller's reaping collects it then. */
                kill(pid, SIGKILL);
                pid = 0;
                return ctrd_error_set(err, ETIMEDOUT, "exec: the process did not start within %d s "
                                      "(is the container paused?)", HANDSHAKE_TIMEOUT_SEC);
        }
        if (r < 0)
                return r;
        *ret_pid = pid;
        pid = 0;
        return 0;
}

int rt_container_exec(const struct rt_container *c, const struct rt_exec_opts *opts, pid_t *ret_pid,
                      int *ret_pty, struct ctrd_error *err) {
        _cleanup_(rt_spec_freep) struct rt_spec *s = NULL;
        _cleanup_(rt_seccomp_freep) struct rt_seccomp_filter *filter = NULL;
        struct exec_ns x = { .user = -EBADF, .mnt = -EBADF, .pid = -EBADF };
        int r;

        if (!c || c->pid <= 0 || !opts || !opts->bundle)
                return ctrd_error_set(err, EINVAL, "exec: no running container");
        if ((r = rt_exec_spec_load(opts, &s, err)) < 0)
                return r;
        /* Compiled on the host, before any namespace is opened. */
        if (s->seccomp && (r = rt_seccomp_prepare(s->seccomp, opts->seccomp_cache, &filter, err)) < 0)
                return r;
        r = open_namespaces(c->pid, s, &x, err);
        if (r >= 0)
                r = spawn(c, opts, s, filter, &x, ret_pid, ret_pty, err);
        exec_ns_close(&x);
        return r;
}
