/*
 * The container child, from clone() to execve(). The order matters and is
 * explained in docs/shim-runtime.md; in short:
 *
 *   wait for GO      the parent has written our id maps and put us in the
 *                    cgroup, so nothing below runs outside the limits; without
 *                    a user namespace the rootfs and the mounts before the
 *                    first cgroup mount come first, overlapping that move
 *   cgroup ns        unshared only now, so its root is the container's cgroup
 *   rootfs, mounts, /dev, pivot_root, read-only and masked paths
 *   hostname, rlimits, oom_score_adj, umask, bounding set
 *   seccomp          (compiled by the parent before clone, or taken from the
 *                    cache) loaded here if noNewPrivileges is false (loading then needs
 *                    CAP_SYS_ADMIN, which the user switch takes away)
 *   uid/gid, chdir, capabilities, no_new_privs, fds close-on-exec
 *   seccomp          here, right before execve, when noNewPrivileges is true
 *   execve
 *
 * The first failing step goes to the parent as RT_SYNC_ERROR and we exit 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "child.h"
#include "fs-util.h"
#include "resolve.h"
#include "seccomp.h"
#include "sync.h"

int rt_fail(struct rt_step_error *e, const char *step, const char *path, int errnum) {
        if (errnum < 0)
                errnum = -errnum;
        e->step = step;
        snprintf(e->path, sizeof(e->path), "%s", path ? path : "");
        e->errnum = errnum ? errnum : EIO;
        return -e->errnum;
}

static bool has_cgroup_mount(const struct rt_spec *s) {
        return rt_mounts_first_cgroup(s) < s->n_mounts;
}

/*
 * execve() keeps ignored signals ignored and the signal mask as it is. The
 * shim (a monitor with a signalfd, a shell's background job with SIGINT
 * ignored) must not hand those on: a container that ignores SIGTERM because
 * its shim blocked it would never stop.
 */
int rt_signals_reset(struct rt_step_error *e) {
        struct sigaction dfl = { .sa_handler = SIG_DFL };
        /* The kernel's struct sigaction (generic layout): glibc refuses to touch
         * the signals it reserves for itself (32, 33), but they can arrive
         * ignored from whoever started us, so those go through the raw call. */
        struct {
                void *handler;
                unsigned long flags;
                void *restorer;
                uint64_t mask;
        } kdfl = { .handler = SIG_DFL };
        sigset_t none;

        for (int sig = 1; sig < NSIG; sig++) {
                if (sig == SIGKILL || sig == SIGSTOP)
                        continue;
                if (sigaction(sig, &dfl, NULL) < 0)
                        (void) syscall(SYS_rt_sigaction, sig, &kdfl, NULL, sizeof(kdfl.mask));
        }
        sigemptyset(&none);
        if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
                return rt_fail(e, "sigprocmask", "", errno);
        return 0;
}

/*
 * GO: the parent has written our id maps and moved us into the cgroup. Only
 * now the cgroup namespace is unshared, so its root is the container's cgroup.
 */
static int enter_cgroup(struct rt_child_ctx *ctx, struct rt_step_error *e) {
        struct ctrd_error err = { 0 };

        if (rt_sync_expect(ctx->sync, RT_SYNC_GO, NULL, &err) < 0)
                _exit(1);
        ctx->in_cgroup = true;
        if (has_cgroup_mount(ctx->spec) &&
            ctrd_read_file("/proc/self/cgroup", 1 << 16, &ctx->self_cgroup, NULL, &err) < 0)
                return rt_fail(e, "read", "/proc/self/cgroup", err.code);
        if (ctx->new_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
                return rt_fail(e, "unshare", "cgroup namespace", errno);
        return 0;
}

/*
 * Before the rootfs. In a user namespace nothing can be done before the
 * parent has written our id maps, so we wait for GO first; otherwise the
 * rootfs is begun while the parent moves us into the cgroup (on cgroup v1
 * that move waits for an RCU grace period, some milliseconds).
 */
static int early(struct rt_child_ctx *ctx, struct rt_step_error *e) {
        int r;

        if ((r = rt_signals_reset(e)) < 0)
                return r;

        /* If the parent dies from here on, so do we; a parent that died before
         * this line shows up as EOF while we wait for GO. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
                return rt_fail(e, "prctl", "PR_SET_PDEATHSIG", errno);
        if (ctx->new_userns || ctx->joined_userns) {
                if ((r = enter_cgroup(ctx, e)) < 0)
                        return r;
                if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
                        return rt_fail(e, "become root in the user namespace", "", errno);
        }
        for (int i = 0; i < 3; i++)
                if (ctx->stdio[i] >= 0 && ctx->stdio[i] != i && dup2(ctx->stdio[i], i) < 0)
                        return rt_fail(e, "dup2", "stdio", errno);
        return 0;
}

/*
 * Mounts before the first cgroup mount need no cgroup and are made before
 * GO, together with the targets of the later ones; the rest after GO.
 */
static int build_rootfs(struct rt_child_ctx *ctx, struct rt_step_error *e) {
        struct ctrd_error err = { 0 };
        const struct rt_spec *s = ctx->spec;
        _cleanup_close_ int rootfd = -EBADF;
        size_t split = ctx->in_cgroup ? 0 : rt_mounts_first_cgroup(s);
        int r;

        if ((r = rt_rootfs_prepare(s, &rootfd, e)) < 0 ||
            (r = rt_mounts_apply(ctx, rootfd, 0, split, e)) < 0)
                return r;
        if (!ctx->in_cgroup) {
                rt_mounts_precreate(ctx, rootfd, split);
                if ((r = enter_cgroup(ctx, e)) < 0)
                        return r;
        }
        if ((r = rt_mounts_apply(ctx, rootfd, split, s->n_mounts, e)) < 0 ||
            (r = rt_devices_create(ctx, rootfd, e)) < 0)
                return r;
        /* Like runc, a missing cwd is created (inside the rootfs, as root). */
        int cwd = rt_resolve_open(rootfd, s->cwd, RT_RESOLVE_MKDIR, 0, &err);
        if (cwd < 0)
                return rt_fail(e, "chdir", s->cwd, cwd);
        close(cwd);
        if ((r = rt_rootfs_pivot(rootfd, e)) < 0 ||
            (r = rt_rootfs_finish(s, e)) < 0)
                return r;
        return 0;
}

static int load_seccomp(const struct rt_seccomp_filter *f, struct rt_step_error *e) {
        int r = f ? rt_seccomp_load(f) : 0;
        return r < 0 ? rt_fail(e, "seccomp", "load", r) : 0;
}

static int run(struct rt_child_ctx *ctx, struct rt_step_error *e) {
        const struct rt_spec *s = ctx->spec;
        const struct rt_seccomp_filter *filter = ctx->seccomp;
        int r;

        if ((r = early(ctx, e)) < 0)
                return r;
        if ((r = build_rootfs(ctx, e)) < 0)
                return r;
        if (s->terminal && (r = rt_terminal_setup(ctx->sync, e)) < 0)
                return r;
        if ((r = rt_process_setup(s, e)) < 0 ||
            (r = rt_caps_drop_bounding(s, e)) < 0)
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
        if ((r = rt_fds_close_on_exec(e)) < 0)
                return r;
        if ((r = rt_sync_send(ctx->sync, RT_SYNC_EXEC, -1)) < 0)
                return rt_fail(e, "sync", "exec", r);
        if (s->no_new_privileges && (r = load_seccomp(filter, e)) < 0)
                return r;
        return rt_exec(s, e);
}

_Noreturn void rt_child_main(struct rt_child_ctx *ctx) {
        struct rt_step_error e = { 0 };

        run(ctx, &e);
        rt_sync_send_error(ctx->sync, e.step ? e.step : "start", e.path, e.errnum);
        _exit(e.errnum == ENOENT ? 127 : e.errnum == EACCES ? 126 : 1);
}
