/*
 * rt_container_start(), the parent side of a container start:
 *
 *   load config.json -> create the cgroup -> socketpair -> join namespaces
 *   given by path -> clone() with the new ones -> come back -> write the id
 *   maps -> move the child into the cgroup -> GO -> (PTY) -> EXEC -> EOF
 * (without a user namespace the child begins its rootfs meanwhile: child.c)
 *
 * The child is held by a variable that kills and reaps it, and the cgroup by
 * one that destroys it, until the very end: any failure on the way leaves no
 * process and no cgroup behind (the child's mounts die with its namespace).
 */
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "shim/runtime/cgroup.h"
#include "shim/runtime/child.h"
#include "shim/runtime/namespaces.h"
#include "shim/runtime/spec-internal.h"
#include "shim/runtime/sync.h"

#define DEFAULT_CGROUP_ROOT "/sys/fs/cgroup"

#define TAKE_PID(p)                     \
        ({                              \
                pid_t _taken = (p);     \
                (p) = 0;                \
                _taken;                 \
        })

static void kill_and_reapp(pid_t *pid) {
        if (*pid <= 0)
                return;
        kill(*pid, SIGKILL);
        while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
                ;
        *pid = 0;
}

static void cgroup_destroyp(struct rt_cgroup **cg) {
        if (!*cg)
                return;
        rt_cgroup_destroy(*cg, NULL);
        rt_cgroup_free(*cg);
}

static bool id_valid(const char *id) {
        static const char more[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "0123456789_.-";
        size_t n = id ? strlen(id) : 0;
        return n > 0 && n <= 128 && strchr(more, id[0]) && id[0] != '_' && id[0] != '.' &&
               id[0] != '-' && strspn(id, more) == n;
}

/*
 * Creates the container's cgroup. On cgroup v2 *ret_dirfd is its directory,
 * for clone3(CLONE_INTO_CGROUP); else -EBADF.
 */
static int create_cgroup(const struct rt_run_opts *opts, const struct rt_spec *s,
                         enum rt_cgroup_mode *mode, struct rt_cgroup **ret, int *ret_dirfd,
                         struct ctrd_error *err) {
        const char *root = opts->cgroup_root ? opts->cgroup_root : DEFAULT_CGROUP_ROOT;
        _cleanup_free_ char *path = NULL, *dir = NULL;
        int r;

        *ret_dirfd = -EBADF;
        if ((r = rt_cgroup_detect(root, mode, err)) < 0)
                return r;
        if (!s->cgroups_path && asprintf(&path, "/ctrd/%s", opts->id) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        const char *cg_path = s->cgroups_path ? s->cgroups_path : path;
        r = rt_cgroup_create(root, cg_path, &s->resources, ret, err);
        if (r < 0)
                return ctrd_error_wrap(err, "creating the cgroup");
        /* Without the fd we simply fall back to moving the child after clone(). */
        if (*mode == RT_CGROUP_V2 && asprintf(&dir, "%s%s", root, cg_path) >= 0)
                *ret_dirfd = open(dir, O_DIRECTORY | O_CLOEXEC);
        return 0;
}

/*
 * clone() like fork(): no new stack, so the child runs on a copy of ours.
 * The shim is single-threaded, which is what makes that safe.
 */
static pid_t clone_child(int flags) {
        return (pid_t) syscall(SYS_clone, (unsigned long) flags | SIGCHLD, NULL, NULL, NULL, 0);
}

/*
 * On cgroup v2, clone3(CLONE_INTO_CGROUP) starts the child in its cgroup:
 * no migration afterwards, whose cgroup_threadgroup_rwsem write lock costs
 * an RCU grace period (milliseconds on a busy host). -ENOSYS / -E2BIG from
 * kernels before 5.7 make the caller fall back to clone() + enter.
 */
static pid_t clone_into_cgroup(int flags, int cgroup_fd) {
        struct clone_args args = {
                .flags = (uint64_t) flags | CLONE_INTO_CGROUP,
                .exit_signal = SIGCHLD,
                .cgroup = (uint64_t) cgroup_fd,
        };
        return (pid_t) syscall(SYS_clone3, &args, sizeof(args));
}

/*
 * The return value rt_container_start promises: -ENOENT / -EACCES only for
 * an executable that is missing / not executable (run exits 127 / 126);
 * any other step that failed with those errnos becomes -EINVAL, its true
 * errno text staying in the message.
 */
static int child_error(struct ctrd_error *err) {
        if (strncmp(err->msg, "exec ", 5) == 0 || (err->code != ENOENT && err->code != EACCES))
                return -err->code;
        err->code = EINVAL;
        return -EINVAL;
}

/*
 * Joining a user namespace by path. The parent cannot setns() into it and
 * come back (it would need CAP_SYS_ADMIN in its old namespace), and the
 * child cannot join it after clone(): its new pid, mount, ... namespaces
 * would belong to the host's user namespace, so it could not even mount
 * /proc. So a short-lived helper joins the user namespace and clones the
 * child with CLONE_PARENT: the new namespaces belong to the joined user
 * namespace, and the child is still ours to wait for. The helper sends the
 * child's pid (or -errno) over a pipe and exits.
 */
static _Noreturn void userns_helper(const char *path, int flags, struct rt_child_ctx *ctx,
                                    int parent_end, int out) {
        int32_t v;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, CLONE_NEWUSER) < 0) {
                v = -errno;
        } else {
                pid_t pid = clone_child(flags | CLONE_PARENT);
                if (pid == 0) {
                        safe_close(parent_end);
                        safe_close(out);
                        rt_child_main(ctx);
                }
                v = pid < 0 ? -errno : pid;
        }
        _exit(write(out, &v, sizeof(v)) == sizeof(v) ? 0 : 1);
}

static pid_t clone_in_userns(const char *path, int flags, struct rt_child_ctx *ctx,
                             int parent_end, struct ctrd_error *err) {
        _cleanup_close_ int rd = -EBADF, wr = -EBADF;
        int p[2];
        int32_t v = -EIO;

        if (pipe2(p, O_CLOEXEC) < 0)
                return ctrd_error_sys(err, errno, "pipe");
        rd = p[0];
        wr = p[1];
        pid_t helper = clone_child(0);
        if (helper < 0)
                return ctrd_error_sys(err, errno, "fork");
        if (helper == 0) {
                safe_close(rd);
                userns_helper(path, flags, ctx, parent_end, wr);
        }
        wr = safe_close(wr);
        if (read(rd, &v, sizeof(v)) != sizeof(v))
                v = -EIO;
        while (waitpid(helper, NULL, 0) < 0 && errno == EINTR)
                ;
        if (v < 0)
                return ctrd_error_sys(err, -v, "joining user namespace '%s'", path);
        return v;
}

/* EXEC, then EOF (execve happened) or ERROR from the child. */
static int wait_exec(int sock, struct ctrd_error *err) {
        struct rt_sync_msg msg;
        int r = rt_sync_expect(sock, RT_SYNC_EXEC, NULL, err);

        if (r < 0)
                return child_error(err);
        r = rt_sync_recv(sock, &msg, NULL);
        if (r == 0)
                return 0;       /* EOF: the child's CLOEXEC end closed in execve */
        if (r < 0)
                return ctrd_error_sys(err, -r, "sync: waiting for exec");
        if (msg.phase != RT_SYNC_ERROR)
                return ctrd_error_set(err, EPROTO, "sync: unexpected message after 'exec'");
        rt_sync_error_from_msg(&msg, err);
        return child_error(err);
}

/*
 * The child works on its rootfs before GO, so when moving it into the cgroup
 * or sending GO fails, it may have failed first and exited: its error, if it
 * sent one, says more than ours (ESRCH, EPIPE).
 */
static int early_child_error(int sock, int r, struct ctrd_error *err) {
        struct pollfd p = { .fd = sock, .events = POLLIN };
        struct rt_sync_msg msg;

        if (poll(&p, 1, 0) == 1 && rt_sync_recv(sock, &msg, NULL) == 1 &&
            msg.phase == RT_SYNC_ERROR) {
                rt_sync_error_from_msg(&msg, err);
                return child_error(err);
        }
        return r;
}

/* GO, then (PTY) and the exec. The pty master is ours only on success. */
static int handshake(int sock, const struct rt_spec *s, int *ret_pty, struct ctrd_error *err) {
        _cleanup_close_ int pty = -EBADF;
        int r;

        if ((r = rt_sync_send(sock, RT_SYNC_GO, -1)) < 0)
                return early_child_error(sock, ctrd_error_sys(err, -r, "sync: sending 'go'"), err);
        if (s->terminal && (r = rt_sync_expect(sock, RT_SYNC_PTY, &pty, err)) < 0)
                return child_error(err);
        if ((r = wait_exec(sock, err)) < 0)
                return r;
        *ret_pty = s->terminal ? TAKE_FD(pty) : -1;
        return 0;
}

struct rt_priv {
        struct rt_spec *spec;
};

static struct rt_child_ctx child_ctx(const struct rt_run_opts *opts, const struct rt_spec *s,
                                     const struct rt_seccomp_filter *filter,
                                     enum rt_cgroup_mode mode, int flags, int sync) {
        const struct rt_namespace *user = rt_spec_namespace(s, CLONE_NEWUSER);
        const struct rt_namespace *cgns = rt_spec_namespace(s, CLONE_NEWCGROUP);

        return (struct rt_child_ctx) {
                .spec = s, .sync = sync,
                .stdio = { opts->stdio[0], opts->stdio[1], opts->stdio[2] },
                .cgroup_root = opts->cgroup_root ? opts->cgroup_root : DEFAULT_CGROUP_ROOT,
                .cgroup_mode = mode,
                .new_userns = flags & CLONE_NEWUSER, .new_netns = flags & CLONE_NEWNET,
                .new_cgroupns = cgns && !cgns->path,
                .joined_userns = user && user->path,
                .seccomp = filter,
        };
}

/*
 * Joins the namespaces given by path, clones the child into them and comes
 * back. *entered says whether the child was born in its cgroup (cgroup_fd).
 */
static pid_t start_child(const struct rt_spec *s, int flags, struct rt_child_ctx *ctx,
                         int parent_end, int cgroup_fd, bool *entered,
                         struct ctrd_error *err) {
        struct rt_ns_saved saved = { .n = 0 };
        pid_t pid = -1;

        *entered = false;
        int r = rt_ns_enter_paths(s, &saved, err);
        if (r < 0) {
                pid = r;
        } else if (ctx->joined_userns) {
                pid = clone_in_userns(rt_spec_namespace(s, CLONE_NEWUSER)->path, flags, ctx,
                                      parent_end, err);
        } else {
                if (cgroup_fd >= 0) {
                        pid = clone_into_cgroup(flags, cgroup_fd);
                        *entered = pid >= 0;
                }
                if (cgroup_fd < 0 || (pid < 0 && (errno == ENOSYS || errno == E2BIG)))
                        pid = clone_child(flags);
                if (pid == 0) {
                        safe_close(parent_end);
                        rt_child_main(ctx);
                }
                if (pid < 0)
                        pid = ctrd_error_sys(err, errno, "clone");
        }
        /* Back to our own namespaces whatever happened: a shim stuck in the
         * container's namespaces is a failure even if the child is fine. */
        r = rt_ns_restore(&saved, pid < 0 ? NULL : err);
        if (r < 0 && pid > 0) {
                kill_and_reapp(&pid);
                return r;
        }
        return pid;
}

static int spawn(const struct rt_run_opts *opts, struct rt_spec *s,
                 const struct rt_seccomp_filter *filter, enum rt_cgroup_mode mode,
                 struct rt_cgroup *cg, int cgroup_fd, pid_t *ret_pid, int *pty,
                 struct ctrd_error *err) {
        _cleanup_(kill_and_reapp) pid_t pid = 0;
        _cleanup_close_ int parent_end = -EBADF, child_end = -EBADF;
        bool entered;
        int sv[2], r;

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return ctrd_error_sys(err, errno, "socketpair");
        parent_end = sv[0];
        child_end = sv[1];

        int flags = rt_ns_clone_flags(s);
        struct rt_child_ctx ctx = child_ctx(opts, s, filter, mode, flags, child_end);
        pid = start_child(s, flags, &ctx, parent_end, cgroup_fd, &entered, err);
        if (pid < 0)
                return pid;
        child_end = safe_close(child_end);

        if (ctx.new_userns && (r = rt_ns_write_idmaps(pid, s, err)) < 0)
                return r;
        if (!entered && (r = rt_cgroup_enter(cg, pid, err)) < 0)
                return early_child_error(parent_end, ctrd_error_wrap(err, "entering the cgroup"), err);
        if ((r = handshake(parent_end, s, pty, err)) < 0)
                return r;
        *ret_pid = TAKE_PID(pid);
        return 0;
}

int rt_container_start(const struct rt_run_opts *opts, struct rt_container **ret,
                       struct ctrd_error *err) {
        _cleanup_(rt_spec_freep) struct rt_spec *s = NULL;
        _cleanup_(cgroup_destroyp) struct rt_cgroup *cg = NULL;
        _cleanup_(rt_seccomp_freep) struct rt_seccomp_filter *filter = NULL;
        _cleanup_close_ int cgroup_fd = -EBADF;
        enum rt_cgroup_mode mode;
        int pty = -1, r;
        pid_t pid;

        if (!id_valid(opts->id))
                return ctrd_error_set(err, EINVAL, "invalid container id '%s'",
                                      opts->id ? opts->id : "");
        /* The filter is compiled here, on the host and before the cgroup exists,
         * so a profile libseccomp refuses leaves nothing behind. */
        if ((r = rt_spec_load(opts->bundle, &s, err)) < 0 ||
            (s->seccomp && (r = rt_seccomp_prepare(s->seccomp, opts->seccomp_cache, &filter,
                                                   err)) < 0) ||
            (r = create_cgroup(opts, s, &mode, &cg, &cgroup_fd, err)) < 0 ||
            (r = spawn(opts, s, filter, mode, cg, cgroup_fd, &pid, &pty, err)) < 0)
                return r;

        struct rt_container *c = calloc(1, sizeof(*c));
        struct rt_priv *priv = calloc(1, sizeof(*priv));
        if (!c || !priv) {
                free(c);
                free(priv);
                kill_and_reapp(&pid);
                safe_close(pty);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        priv->spec = TAKE_PTR(s);
        *c = (struct rt_container) { .pid = pid, .pty_master = pty,
                                     .terminal = priv->spec->terminal,
                                     .cgroup = TAKE_PTR(cg), .priv = priv };
        *ret = c;
        return 0;
}

int rt_container_destroy(struct rt_container *c, struct ctrd_error *err) {
        int r = 0;

        if (!c)
                return 0;
        if (c->cgroup) {
                r = rt_cgroup_destroy(c->cgroup, err);
                rt_cgroup_free(c->cgroup);
        }
        safe_close(c->pty_master);
        struct rt_priv *priv = c->priv;
        if (priv)
                rt_spec_free(priv->spec);
        free(priv);
        free(c);
        return r;
}
