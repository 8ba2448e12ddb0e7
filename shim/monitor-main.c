/*
 * ctrd-shim-monitor: the resident half of `ctrd-shim daemon`, which execve()s
 * it once the container runs (docs/shim-protocol.md, "The handover"). Linked
 * statically with only the monitor, the cgroup code and jansson, so each
 * container costs little memory. It takes over the container (our child,
 * we its subreaper), serves the control socket, then writes the start line:
 * from then on the monitor is serving. A failure before that kills the
 * container and leaves nothing behind, as a failed start does.
 */
#define LOG_SUBSYSTEM "shim"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "control-ops.h"
#include "log.h"
#include "monitor-args.h"
#include "monitor-core.h"
#include "monitor-exec.h"
#include "monitor-signal.h"
#include "runtime/cgroup.h"
#include "runtime/container.h"
#include "sync-report.h"

struct monitor_run {
        struct shim_handover h;
        struct rt_container c;          /* pid and cgroup: what control-ops.c reads */
        bool destroyed;
        struct shim_monitor_exec exec;
        int run_dir_fd, signal_fd;
        struct shim_logfile *log;
        struct shim_loop *loop;
        struct shim_monitor *monitor;
};

static int ops_oom_kills(void *userdata, uint64_t *ret) {
        struct monitor_run *m = userdata;
        return m->c.cgroup ? rt_cgroup_oom_kills(m->c.cgroup, ret, NULL) : -ENOENT;
}

/* After the init was reaped: kill what is left in the cgroup and remove it. */
static int ops_destroy(void *userdata, struct ctrd_error *err) {
        struct monitor_run *m = userdata;
        int r = m->c.cgroup ? rt_cgroup_destroy(m->c.cgroup, err) : 0;
        rt_cgroup_free(m->c.cgroup);
        m->c.cgroup = NULL;
        m->destroyed = true;
        return r;
}

static char *ops_control(void *userdata, const struct shim_request *req) {
        struct monitor_run *m = userdata;
        return shim_control_ops_handle(m->destroyed ? NULL : &m->c, req);
}

static int ops_exec(void *userdata, const struct shim_exec_request *req, const int stdio[3], pid_t *ret_pid,
                    int *ret_pty, struct ctrd_error *err) {
        struct monitor_run *m = userdata;
        return shim_monitor_exec(&m->exec, req, stdio, ret_pid, ret_pty, err);
}

/* The fds that crossed the execve() go no further: not to exec helpers, not to execs. */
static int keep_to_ourselves(const struct shim_handover *h, struct ctrd_error *err) {
        const int fds[] = { h->d.sync_fd, h->stdio.out, h->stdio.err, h->stdio.in, h->stdio.pty, h->oom_fd };
        for (size_t i = 0; i < sizeof(fds) / sizeof(*fds); i++)
                if (fds[i] >= 0 && fcntl(fds[i], F_SETFD, FD_CLOEXEC) < 0)
                        return ctrd_error_sys(err, errno, "setting close-on-exec on fd %d", fds[i]);
        for (size_t i = 0; i < h->d.n_attach; i++)
                if (fcntl(h->d.attach[i].fd, F_SETFD, FD_CLOEXEC) < 0)
                        return ctrd_error_sys(err, errno, "setting close-on-exec on fd %d", h->d.attach[i].fd);
        return 0;
}

static int open_cgroup(struct monitor_run *m, struct ctrd_error *err) {
        const struct shim_handover *h = &m->h;
        if (!h->cgroup_path)
                return 0;
        int r = rt_cgroup_open(h->d.cgroup_root, h->cgroup_path, &m->c.cgroup, err);
        if (r < 0)
                return ctrd_error_wrap(err, "opening the container's cgroup");
        if ((rt_cgroup_get_mode(m->c.cgroup) == RT_CGROUP_V2) != h->cgroup_v2)
                return ctrd_error_set(err, ESTALE, "the cgroup hierarchy at '%s' changed its mode",
                                      h->d.cgroup_root);
        return 0;
}

static int prepare(struct monitor_run *m, struct ctrd_error *err) {
        const struct shim_daemon_args *a = &m->h.d;
        /* The cgroup first: every later failure must be able to remove it. */
        int r = open_cgroup(m, err);
        if (r < 0 || (r = keep_to_ourselves(&m->h, err)) < 0)
                return r;
        m->run_dir_fd = open(a->run_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (m->run_dir_fd < 0)
                return ctrd_error_sys(err, errno, "opening run dir '%s'", a->run_dir);
        if (a->log_path) {
                struct shim_logfile_opts lo = { .path = a->log_path, .max_size = a->log_max_size,
                                                .max_files = a->log_max_files };
                if ((r = shim_logfile_open(&lo, &m->log, err)) < 0)
                        return r;
        }
        m->signal_fd = shim_signal_setup();
        if (m->signal_fd < 0)
                return ctrd_error_sys(err, -m->signal_fd, "setting up signal handling");
        if ((r = shim_loop_new(&m->loop)) < 0)
                return ctrd_error_sys(err, -r, "creating the event loop");
        return 0;
}

/* Takes the container's fds and the attach clients; the monitor owns the stdio fds from here. */
static int start_monitor(struct monitor_run *m, struct ctrd_error *err) {
        struct shim_handover *h = &m->h;
        m->exec = (struct shim_monitor_exec) { .shim = h->shim, .bundle = h->d.bundle, .pid = h->pid,
                                               .cgroup_root = h->cgroup_path ? h->d.cgroup_root : NULL,
                                               .cgroup_path = h->cgroup_path,
                                               .seccomp_cache = h->d.seccomp_cache };
        struct shim_monitor_config cfg = {
                .run_dir = h->d.run_dir, .run_dir_fd = m->run_dir_fd, .pid = h->pid,
                .signal_fd = m->signal_fd, .oom_fd = h->oom_fd, .stdio = h->stdio,
                .open_stdin = h->d.open_stdin, .log = m->log,
                .ops = { .oom_kills = ops_oom_kills, .destroy = ops_destroy, .control = ops_control,
                         .exec = ops_exec, .userdata = m },
        };
        h->stdio = (struct shim_stdio_fds) { -1, -1, -1, -1 };
        int r = shim_monitor_new(m->loop, &cfg, &m->monitor, err);
        for (size_t i = 0; r >= 0 && i < h->d.n_attach; i++)
                r = shim_attach_add(shim_monitor_stdio(m->monitor), TAKE_FD(h->d.attach[i].fd),
                                    &h->d.attach[i].opts, err);
        return r;
}

/* The container runs but cannot be monitored: stop it and leave nothing behind. */
static void abort_container(struct monitor_run *m) {
        struct ctrd_error err = { 0 };
        kill(m->h.pid, SIGKILL);
        while (waitpid(m->h.pid, NULL, 0) < 0 && errno == EINTR)
                ;
        if (ops_destroy(m, &err) < 0)
                log_warning("cleaning up the container: %s", err.msg);
}

static void run_done(struct monitor_run *m) {
        struct shim_handover *h = &m->h;
        shim_monitor_free(m->monitor);
        for (size_t i = 0; i < h->d.n_attach; i++)
                safe_close(h->d.attach[i].fd);
        safe_close(h->stdio.out);
        safe_close(h->stdio.err);
        safe_close(h->stdio.in);
        safe_close(h->stdio.pty);
        safe_close(h->oom_fd);
        rt_cgroup_free(m->c.cgroup);
        shim_loop_free(m->loop);
        shim_logfile_free(m->log);
        safe_close(m->signal_fd);
        if (m->run_dir_fd >= 0)
                (void) unlinkat(m->run_dir_fd, SHIM_PID_FILE, 0);
        safe_close(m->run_dir_fd);
}

static int run(struct monitor_run *m) {
        struct ctrd_error err = { 0 };
        int r = prepare(m, &err);
        if (r >= 0)
                r = start_monitor(m, &err);
        if (r < 0) {
                log_error("starting container '%s': %s", m->h.d.id, err.msg);
                /* Cleaned up before the error is reported: whoever reads it may
                 * look for leftovers at once. */
                abort_container(m);
                run_done(m);
                shim_sync_report(&m->h.d.sync_fd, 0, &err);
                return 1;
        }
        shim_sync_report(&m->h.d.sync_fd, m->h.pid, NULL);
        /* What the start left on the heap goes back to the kernel: each container pays for it. */
        malloc_trim(0);
        r = shim_monitor_run(m->monitor);
        if (r < 0)
                log_error_errno(r, "event loop failed");
        run_done(m);
        return r < 0 ? 1 : 0;
}

int main(int argc, char *argv[]) {
        struct ctrd_error err = { 0 };
        struct monitor_run m = { .run_dir_fd = -EBADF, .signal_fd = -EBADF };

        /* Still the container's shim to ps, pgrep and bench/density.py. */
        (void) prctl(PR_SET_NAME, "ctrd-shim");
        ctrd_log_set_ident("ctrd-shim");
        if (shim_handover_parse(argc, argv, &m.h, &err) < 0) {
                log_error("ctrd-shim-monitor: %s", err.msg);
                return 2;
        }
        m.c = (struct rt_container) { .pid = m.h.pid, .pty_master = -1 };
        return run(&m);
}
