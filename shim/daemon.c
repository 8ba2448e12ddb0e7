/*
 * `ctrd-shim daemon`: argument parsing, the detach, the container's start
 * through the runtime (rt_*), then the handover: execve() of the static
 * ctrd-shim-monitor beside us, which stays resident as the container's
 * monitor and writes the start line (docs/shim-protocol.md, "The handover").
 * A start that fails here is reported on the sync fd by us.
 */
#define LOG_SUBSYSTEM "shim"

#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs-util.h"
#include "log.h"
#include "monitor-args.h"
#include "monitor-core.h"
#include "monitor-signal.h"
#include "runtime/cgroup.h"
#include "runtime/container.h"
#include "sync-report.h"

#define MONITOR_NAME "ctrd-shim-monitor"

/* The container's stdio as created here: [0] is the container's end, [1] ours. */
struct daemon_pipes {
        int in[2], out[2], err[2];
};

static void pipes_close(struct daemon_pipes *p) {
        for (int i = 0; i < 2; i++) {
                p->in[i] = safe_close(p->in[i]);
                p->out[i] = safe_close(p->out[i]);
                p->err[i] = safe_close(p->err[i]);
        }
}

static int make_pipe(int fds[2], bool container_reads, struct ctrd_error *err) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return ctrd_error_sys(err, errno, "creating a stdio pipe");
        fds[0] = container_reads ? p[0] : p[1];
        fds[1] = container_reads ? p[1] : p[0];
        return 0;
}

static int pipes_open(struct daemon_pipes *p, bool open_stdin, struct ctrd_error *err) {
        int r = make_pipe(p->out, false, err);
        if (r >= 0)
                r = make_pipe(p->err, false, err);
        if (r < 0 || open_stdin)
                return r < 0 ? r : make_pipe(p->in, true, err);
        /* Without OpenStdin the container reads /dev/null: EOF at once, like dockerd gives. */
        p->in[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (p->in[0] < 0)
                return ctrd_error_sys(err, errno, "opening '/dev/null'");
        return 0;
}

/*
 * Leaves the starter: the parent returns at once (uv_spawn's exit callback
 * fires), the child starts its own session and becomes the subreaper of
 * everything the container forks, so orphans are reaped here, not by init.
 * Returns 1 in the parent, 0 in the child, or -errno.
 */
static int detach(void) {
        pid_t pid = fork();
        if (pid < 0)
                return -errno;
        if (pid > 0)
                return 1;
        if (setsid() < 0 || prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
                return -errno;
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0)
                return -errno;
        safe_close(null);
        return 0;
}

static int write_pid_file(const char *run_dir, struct ctrd_error *err) {
        char buf[32];
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s/" SHIM_PID_FILE, run_dir) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        int n = snprintf(buf, sizeof(buf), "%d\n", (int) getpid());
        /* No fsync: the pid names a process, which a reboot ends anyway. */
        return ctrd_write_file_replace(path, buf, (size_t) n, 0644, err);
}

/* State of one daemon-mode run, so failure paths can release what exists. */
struct daemon_run {
        const struct shim_daemon_args *args;
        int run_dir_fd;
        int signal_fd;
        struct daemon_pipes pipes;
        struct rt_container *c;
};

static int prepare(struct daemon_run *d, struct ctrd_error *err) {
        const struct shim_daemon_args *a = d->args;
        int r = ctrd_mkdir_p(a->run_dir, 0700, err);
        if (r < 0)
                return r;
        d->run_dir_fd = open(a->run_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (d->run_dir_fd < 0)
                return ctrd_error_sys(err, errno, "opening run dir '%s'", a->run_dir);
        r = write_pid_file(a->run_dir, err);
        if (r < 0)
                return r;
        d->signal_fd = shim_signal_setup();
        if (d->signal_fd < 0)
                return ctrd_error_sys(err, -d->signal_fd, "setting up signal handling");
        return pipes_open(&d->pipes, a->open_stdin, err);
}

static int start_container(struct daemon_run *d, struct ctrd_error *err) {
        const struct shim_daemon_args *a = d->args;
        struct rt_run_opts opts = {
                .bundle = a->bundle, .id = a->id, .cgroup_root = a->cgroup_root,
                .seccomp_cache = a->seccomp_cache,
                .stdio = { d->pipes.in[0], d->pipes.out[0], d->pipes.err[0] },
        };
        int r = rt_container_start(&opts, &d->c, err);
        if (r < 0)
                return r;
        d->pipes.in[0] = safe_close(d->pipes.in[0]);
        d->pipes.out[0] = safe_close(d->pipes.out[0]);
        d->pipes.err[0] = safe_close(d->pipes.err[0]);
        return 0;
}

/* Our own path (for the exec helper) and ctrd-shim-monitor's, beside it. */
static int self_paths(char **ret_shim, char **ret_monitor, struct ctrd_error *err) {
        char buf[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
        if (n < 0)
                return ctrd_error_sys(err, errno, "reading '/proc/self/exe'");
        buf[n] = '\0';
        char *slash = strrchr(buf, '/');
        if (!slash)
                return ctrd_error_set(err, EINVAL, "'/proc/self/exe' is not a path: '%s'", buf);
        if (!(*ret_shim = strdup(buf)) ||
            asprintf(ret_monitor, "%.*s/" MONITOR_NAME, (int) (slash - buf), buf) < 0) {
                free(*ret_shim);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        return 0;
}

/* What the monitor gets; the fds in h are still ours (CLOEXEC) on return. */
static void handover_fill(struct daemon_run *d, struct shim_handover *h) {
        struct rt_container *c = d->c;
        struct ctrd_error oerr = { 0 };

        *h = (struct shim_handover) { .d = *d->args, .pid = c->pid, .oom_fd = -1 };
        if (c->terminal)
                h->stdio = (struct shim_stdio_fds) { .out = -1, .err = -1, .in = -1, .pty = c->pty_master };
        else
                h->stdio = (struct shim_stdio_fds) { .out = d->pipes.out[1], .err = d->pipes.err[1],
                                                     .in = d->args->open_stdin ? d->pipes.in[1] : -1,
                                                     .pty = -1 };
        if (c->cgroup) {
                h->d.cgroup_root = rt_cgroup_get_root(c->cgroup);
                h->cgroup_path = rt_cgroup_get_path(c->cgroup);
                h->cgroup_v2 = rt_cgroup_get_mode(c->cgroup) == RT_CGROUP_V2;
                h->oom_fd = rt_cgroup_oom_fd(c->cgroup, &oerr);
                if (h->oom_fd < 0) {
                        log_warning("OOM kills will be counted only at exit: %s", oerr.msg);
                        h->oom_fd = -1;
                }
        }
}

static int inherit(int fd, struct ctrd_error *err) {
        if (fd >= 0 && fcntl(fd, F_SETFD, 0) < 0)
                return ctrd_error_sys(err, errno, "clearing close-on-exec on fd %d", fd);
        return 0;
}

/* execve()s ctrd-shim-monitor with the container; returns only on failure. */
static int handover(struct daemon_run *d, struct ctrd_error *err) {
        _cleanup_free_ char *shim = NULL, *monitor = NULL;
        _cleanup_free_ char **argv = NULL;
        struct shim_handover h;
        int r;

        if ((r = self_paths(&shim, &monitor, err)) < 0)
                return r;
        handover_fill(d, &h);
        h.shim = shim;
        if (!(argv = shim_handover_argv(&h, monitor)))
                return ctrd_error_set(err, ENOMEM, "out of memory");
        /* Exactly these fds cross the execve(); everything else is close-on-exec. */
        const int fds[] = { h.d.sync_fd, h.stdio.out, h.stdio.err, h.stdio.in, h.stdio.pty, h.oom_fd };
        for (size_t i = 0; i < sizeof(fds) / sizeof(*fds); i++)
                if ((r = inherit(fds[i], err)) < 0)
                        return r;
        for (size_t i = 0; i < h.d.n_attach; i++)
                if ((r = inherit(h.d.attach[i].fd, err)) < 0)
                        return r;
        /* SIGCHLD and the stop signals wait, blocked and pending, for the monitor's handlers. */
        if ((r = shim_signal_hold(d->signal_fd)) < 0)
                return ctrd_error_sys(err, -r, "holding signals for the handover");
        execv(monitor, argv);
        return ctrd_error_sys(err, errno, "executing '%s'", monitor);
}

/* The container runs but cannot be monitored: stop it and leave nothing behind. */
static void abort_container(struct daemon_run *d) {
        struct ctrd_error err = { 0 };
        if (!d->c)
                return;
        kill(d->c->pid, SIGKILL);
        while (waitpid(d->c->pid, NULL, 0) < 0 && errno == EINTR)
                ;
        if (rt_container_destroy(d->c, &err) < 0)
                log_warning("cleaning up the container: %s", err.msg);
        d->c = NULL;
}

static int run_daemon(const struct shim_daemon_args *args, int *sync_fd) {
        struct ctrd_error err = { 0 };
        struct daemon_run d = {
                .args = args, .run_dir_fd = -EBADF, .signal_fd = -EBADF,
                .pipes = { { -EBADF, -EBADF }, { -EBADF, -EBADF }, { -EBADF, -EBADF } },
        };

        int r = prepare(&d, &err);
        if (r >= 0)
                r = start_container(&d, &err);
        if (r >= 0)
                r = handover(&d, &err);
        log_error("starting container '%s': %s", args->id, err.msg);
        shim_sync_report(sync_fd, 0, &err);
        abort_container(&d);
        pipes_close(&d.pipes);
        safe_close(d.signal_fd);
        if (d.run_dir_fd >= 0)
                (void) unlinkat(d.run_dir_fd, SHIM_PID_FILE, 0);
        safe_close(d.run_dir_fd);
        return 1;
}

int shim_daemon_main(int argc, char *argv[]) {
        struct shim_daemon_args args;
        struct ctrd_error err = { 0 };

        ctrd_log_set_ident("ctrd-shim");
        if (shim_daemon_args_parse(argc, argv, &args, &err) < 0) {
                log_error("%s", err.msg);
                return 2;
        }
        /* The channels we were given must not reach the container. */
        if (args.sync_fd >= 0)
                fcntl(args.sync_fd, F_SETFD, FD_CLOEXEC);
        for (size_t i = 0; i < args.n_attach; i++)
                fcntl(args.attach[i].fd, F_SETFD, FD_CLOEXEC);

        int r = detach();
        if (r < 0) {
                ctrd_error_sys(&err, -r, "detaching from the starter");
                log_error("%s", err.msg);
                shim_sync_report(&args.sync_fd, 0, &err);
                return 1;
        }
        if (r > 0)
                return 0;
        return run_daemon(&args, &args.sync_fd);
}
