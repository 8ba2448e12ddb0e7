/*
 * The exec child, from fork() to execve(). It was forked into the
 * container's pid namespace by the parent and waits for GO (the parent has
 * moved it into the container's cgroup by then), then:
 *
 *   setns   every namespace but user and mount, while we are still in the
 *           host's user namespace: a namespace the container joined by path
 *           may belong to the host's user namespace, and from inside the
 *           container's we would have no right to join it
 *   setns   the user namespace, and become its root
 *   setns   the mount namespace last: it also moves our root and cwd to the
 *           container's root (after its pivot_root), so no chroot is needed
 *   the rest is a container start's: pty, rlimits, umask, bounding set,
 *   user, cwd, capabilities, no_new_privs, fds close-on-exec, execve, with
 *   the seccomp program the parent prepared on the host
 *
 * The first failing step goes to the parent as RT_SYNC_ERROR, as in child.c.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "shim/runtime/exec-internal.h"
#include "shim/runtime/seccomp.h"
#include "shim/runtime/sync.h"

static const char *ns_name(int type) {
        switch (type) {
        case CLONE_NEWNET:      return "net";
        case CLONE_NEWIPC:      return "ipc";
        case CLONE_NEWUTS:      return "uts";
        case CLONE_NEWCGROUP:   return "cgroup";
        case CLONE_NEWUSER:     return "user";
        case CLONE_NEWNS:       return "mnt";
        default:                return "?";
        }
}

static int join(int fd, int type, struct rt_step_error *e) {
        if (setns(fd, type) < 0)
                return rt_fail(e, "setns", ns_name(type), errno);
        return 0;
}

static int join_namespaces(const struct rt_exec_child_ctx *ctx, struct rt_step_error *e) {
        int r;

        for (size_t i = 0; i < ctx->n_ns; i++)
                if ((r = join(ctx->ns[i].fd, ctx->ns[i].type, e)) < 0)
                        return r;
        if (ctx->userns_fd >= 0) {
                if ((r = join(ctx->userns_fd, CLONE_NEWUSER, e)) < 0)
                        return r;
                if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
                        return rt_fail(e, "become root in the user namespace", "", errno);
        }
        return join(ctx->mntns_fd, CLONE_NEWNS, e);
}

static int take_stdio(const struct rt_exec_child_ctx *ctx, struct rt_step_error *e) {
        for (int i = 0; i < 3; i++)
                if (ctx->stdio[i] >= 0 && ctx->stdio[i] != i && dup2(ctx->stdio[i], i) < 0)
                        return rt_fail(e, "dup2", "stdio", errno);
        return 0;
}

static int load_seccomp(const struct rt_seccomp_filter *f, struct rt_step_error *e) {
        int r = f ? rt_seccomp_load(f) : 0;
        return r < 0 ? rt_fail(e, "seccomp", "load", r) : 0;
}

/* What a container start does after pivot_root, minus the hostname (see exec-spec.c). */
static int setup_process(const struct rt_exec_child_ctx *ctx, const struct rt_seccomp_filter *filter,
                         struct rt_step_error *e) {
        const struct rt_spec *s = ctx->spec;
        int r;

        if (s->terminal && (r = rt_terminal_setup(ctx->sync, e)) < 0)
                return r;
        if ((r = rt_process_setup(s, e)) < 0 || (r = rt_caps_drop_bounding(s, e)) < 0)
                return r;
        if (!s->no_new_privileges && (r = load_seccomp(filter, e)) < 0)
                return r;
        if ((r = rt_user_switch(s, e)) < 0)
                return r;
        if (chdir(s->cwd) < 0)
                return rt_fail(e, "chdir", s->cwd, errno);
        if ((r = rt_caps_apply(s, e)) < 0)
                return r;
        if (s->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return rt_fail(e, "prctl", "PR_SET_NO_NEW_PRIVS", errno);
        return rt_fds_close_on_exec(e);
}

static int run(struct rt_exec_child_ctx *ctx, struct rt_step_error *e) {
        struct ctrd_error err = { 0 };
        int r;

        if ((r = rt_signals_reset(e)) < 0)
                return r;
        /* Like the container's init, an exec dies with its shim. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
                return rt_fail(e, "prctl", "PR_SET_PDEATHSIG", errno);
        if (rt_sync_expect(ctx->sync, RT_SYNC_GO, NULL, &err) < 0)
                _exit(1);
        if ((r = take_stdio(ctx, e)) < 0 || (r = join_namespaces(ctx, e)) < 0 ||
            (r = setup_process(ctx, ctx->seccomp, e)) < 0)
                return r;
        if ((r = rt_sync_send(ctx->sync, RT_SYNC_EXEC, -1)) < 0)
                return rt_fail(e, "sync", "exec", r);
        if (ctx->spec->no_new_privileges && (r = load_seccomp(ctx->seccomp, e)) < 0)
                return r;
        return rt_exec(ctx->spec, e);
}

_Noreturn void rt_exec_child_main(struct rt_exec_child_ctx *ctx) {
        struct rt_step_error e = { 0 };

        run(ctx, &e);
        rt_sync_send_error(ctx->sync, e.step ? e.step : "exec", e.path, e.errnum);
        _exit(e.errnum == ENOENT ? 127 : e.errnum == EACCES ? 126 : 1);
}
