/*
 * `ctrd-shim daemon`: argument parsing, the detach, the start handshake with
 * the starter, and the wiring of the runtime (rt_*) to the monitor. The
 * monitor itself (monitor-core.c) knows nothing of the runtime, so tests can
 * run it against any child process.
 */
#define LOG_SUBSYSTEM "shim"

#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "control-ops.h"
#include "monitor-args.h"
#include "fs-util.h"
#include "log.h"
#include "monitor-core.h"
#include "monitor-signal.h"
#include "runtime/container.h"
#include "runtime/cgroup.h"
#include "stdio-attach.h"

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

/* Reports the start result to the starter as one JSON line and closes the channel. */
static void sync_report(int *sync_fd, pid_t pid, const struct ctrd_error *err) {
        if (*sync_fd < 0)
                return;
        json_t *o = err ? json_pack("{s:s, s:i}", "error", err->msg, "errno", err->code)
                        : json_pack("{s:i}", "pid", (int) pid);
        _cleanup_free_ char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        if (!s || ctrd_write_all(*sync_fd, s, strlen(s)) < 0 || ctrd_write_all(*sync_fd, "\n", 1) < 0)
                log_warning("cannot report the start result to the starter, continuing");
        *sync_fd = safe_close(*sync_fd);
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
        return ctrd_write_file_atomic(path, buf, (size_t) n, 0644, err);
}

static void remove_pid_file(int run_dir_fd) {
        (void) unlinkat(run_dir_fd, SHIM_PID_FILE, 0);
}

struct daemon_ctx {
        struct rt_container *c;
        const char *bundle;             /* execs read its config.json again */
};

static int ops_oom_kills(void *userdata, uint64_t *ret) {
        struct daemon_ctx *ctx = userdata;
        return ctx->c && ctx->c->cgroup ? rt_cgroup_oom_kills(ctx->c->cgroup, ret, NULL) : -ENOENT;
}

static int ops_destroy(void *userdata, struct ctrd_error *err) {
        struct daemon_ctx *ctx = userdata;
        int r = rt_container_destroy(ctx->c, err);
        ctx->c = NULL;
        return r;
}

static char *ops_control(void *userdata, const struct shim_request *req) {
        struct daemon_ctx *ctx = userdata;
        return shim_control_ops_handle(ctx->c, req);
}

static int ops_exec(void *userdata, const struct shim_exec_request *req, const int stdio[3], pid_t *ret_pid,
                    int *ret_pty, struct ctrd_error *err) {
        struct daemon_ctx *ctx = userdata;
        return shim_exec_runtime(ctx->c, ctx->bundle, req, stdio, ret_pid, ret_pty, err);
}

/* State of one daemon-mode run, so failure paths can release what exists. */
struct daemon_run {
        const struct shim_daemon_args *args;
        int run_dir_fd;
        int signal_fd;
        struct shim_logfile *log;
        struct shim_loop *loop;
        struct shim_monitor *monitor;
        struct daemon_pipes pipes;
        struct daemon_ctx ctx;
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
        if (a->log_path) {
                struct shim_logfile_opts lo = { .path = a->log_path, .max_size = a->log_max_size,
                                                .max_files = a->log_max_files };
                r = shim_logfile_open(&lo, &d->log, err);
                if (r < 0)
                        return r;
        }
        d->signal_fd = shim_signal_setup();
        if (d->signal_fd < 0)
                return ctrd_error_sys(err, -d->signal_fd, "setting up signal handling");
        r = shim_loop_new(&d->loop);
        if (r < 0)
                return ctrd_error_sys(err, -r, "creating the event loop");
        return pipes_open(&d->pipes, a->open_stdin, err);
}

static int start_container(struct daemon_run *d, struct ctrd_error *err) {
        const struct shim_daemon_args *a = d->args;
        struct rt_run_opts opts = {
                .bundle = a->bundle, .id = a->id, .cgroup_root = a->cgroup_root,
                .stdio = { d->pipes.in[0], d->pipes.out[0], d->pipes.err[0] },
        };
        int r = rt_container_start(&opts, &d->ctx.c, err);
        if (r < 0)
                return r;
        d->pipes.in[0] = safe_close(d->pipes.in[0]);
        d->pipes.out[0] = safe_close(d->pipes.out[0]);
        d->pipes.err[0] = safe_close(d->pipes.err[0]);
        return 0;
}

/* Hands the container's fds and the pre-start attach clients to a new monitor. */
static int start_monitor(struct daemon_run *d, struct ctrd_error *err) {
        struct rt_container *c = d->ctx.c;
        struct ctrd_error oerr = { 0 };
        struct shim_monitor_config cfg = {
                .run_dir = d->args->run_dir, .run_dir_fd = d->run_dir_fd, .pid = c->pid,
                .signal_fd = d->signal_fd, .oom_fd = -1, .open_stdin = d->args->open_stdin,
                .log = d->log,
                .ops = { .oom_kills = ops_oom_kills, .destroy = ops_destroy, .control = ops_control,
                         .exec = ops_exec, .userdata = &d->ctx },
        };
        if (c->terminal) {
                cfg.stdio = (struct shim_stdio_fds) { .out = -1, .err = -1, .in = -1, .pty = c->pty_master };
                c->pty_master = -1;
                pipes_close(&d->pipes);
        } else {
                cfg.stdio = (struct shim_stdio_fds) { .out = TAKE_FD(d->pipes.out[1]), .err = TAKE_FD(d->pipes.err[1]),
                                                      .in = d->args->open_stdin ? TAKE_FD(d->pipes.in[1]) : -1,
                                                      .pty = -1 };
        }
        if (c->cgroup) {
                cfg.oom_fd = rt_cgroup_oom_fd(c->cgroup, &oerr);
                if (cfg.oom_fd < 0)
                        log_warning("OOM kills will be counted only at exit: %s", oerr.msg);
        }
        int r = shim_monitor_new(d->loop, &cfg, &d->monitor, err);
        for (size_t i = 0; r >= 0 && i < d->args->n_attach; i++)
                r = shim_attach_add(shim_monitor_stdio(d->monitor), d->args->attach[i].fd,
                                    &d->args->attach[i].opts, err);
        return r;
}

/* The container runs but cannot be monitored: stop it and leave nothing behind. */
static void abort_container(struct daemon_run *d) {
        struct ctrd_error err = { 0 };
        if (!d->ctx.c)
                return;
        kill(d->ctx.c->pid, SIGKILL);
        while (waitpid(d->ctx.c->pid, NULL, 0) < 0 && errno == EINTR)
                ;
        if (rt_container_destroy(d->ctx.c, &err) < 0)
                log_warning("cleaning up the container: %s", err.msg);
        d->ctx.c = NULL;
}

static void run_done(struct daemon_run *d) {
        shim_monitor_free(d->monitor);
        abort_container(d);
        pipes_close(&d->pipes);
        shim_loop_free(d->loop);
        shim_logfile_free(d->log);
        safe_close(d->signal_fd);
        if (d->run_dir_fd >= 0)
                remove_pid_file(d->run_dir_fd);
        safe_close(d->run_dir_fd);
}

static int run_daemon(const struct shim_daemon_args *args, int *sync_fd) {
        struct ctrd_error err = { 0 };
        struct daemon_run d = {
                .args = args, .run_dir_fd = -EBADF, .signal_fd = -EBADF, .ctx.bundle = args->bundle,
                .pipes = { { -EBADF, -EBADF }, { -EBADF, -EBADF }, { -EBADF, -EBADF } },
        };

        int r = prepare(&d, &err);
        if (r >= 0)
                r = start_container(&d, &err);
        if (r >= 0)
                r = start_monitor(&d, &err);
        if (r < 0) {
                log_error("starting container '%s': %s", args->id, err.msg);
                sync_report(sync_fd, 0, &err);
                run_done(&d);
                return 1;
        }
        sync_report(sync_fd, d.ctx.c->pid, NULL);
        r = shim_monitor_run(d.monitor);
        if (r < 0)
                log_error_errno(r, "event loop failed");
        run_done(&d);
        return r < 0 ? 1 : 0;
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
                sync_report(&args.sync_fd, 0, &err);
                return 1;
        }
        if (r > 0)
                return 0;
        return run_daemon(&args, &args.sync_fd);
}
