#define LOG_SUBSYSTEM "monitor"

#include "monitor-core.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "macro.h"
#include "monitor-signal.h"
#include "control-exec.h"
#include "stdio-attach.h"

/* How long output may trail the init's exit (grandchildren outside a pid namespace). */
#define DRAIN_TIMEOUT_SEC 1

struct shim_monitor {
        struct shim_loop *loop;
        struct shim_monitor_config cfg;
        struct shim_stdio stdio;
        struct shim_control *control;
        struct shim_execs *execs;       /* control-exec.c */
        struct shim_status status;      /* what "state" reports: running until finished */
        struct shim_status final;       /* filled when the init is reaped */
        bool reaped, finished, oom_seen;
        struct shim_watch signal_w, oom_w, timer_w;
};

static void finish(struct shim_monitor *m) {
        struct ctrd_error err = { 0 };
        uint64_t kills = 0;

        if (m->finished)
                return;
        m->finished = true;
        shim_stdio_finish(&m->stdio);
        shim_execs_stop(m->execs);      /* before destroy: their exit codes are ours to report */
        if (m->cfg.ops.oom_kills && m->cfg.ops.oom_kills(m->cfg.ops.userdata, &kills) >= 0 && kills > 0)
                m->oom_seen = true;
        m->final.oom_killed = m->oom_seen;
        if (m->cfg.ops.destroy && m->cfg.ops.destroy(m->cfg.ops.userdata, &err) < 0)
                log_warning("cleaning up the container: %s, continuing", err.msg);

        m->status = m->final;
        if (shim_exit_file_write(m->cfg.run_dir, &m->status, &err) < 0)
                log_error("writing the exit file: %s", err.msg);

        _cleanup_free_ char *line = shim_reply_exit(&m->status);
        if (line)
                shim_control_broadcast(m->control, line);
        shim_attach_close_all(&m->stdio);
        shim_loop_quit(m->loop, 0);
}

static void on_drained(struct shim_stdio *s) {
        struct shim_monitor *m = container_of(s, struct shim_monitor, stdio);
        if (m->reaped)
                finish(m);
}

static void init_exited(struct shim_monitor *m, int wait_status) {
        m->reaped = true;
        m->final = m->status;
        shim_status_set_exited(&m->final, wait_status);
        log_debug("container init %d exited with %d", (int) m->final.pid, m->final.exit_code);
        if (shim_stdio_drained(&m->stdio)) {
                finish(m);
                return;
        }
        struct itimerspec its = { .it_value.tv_sec = DRAIN_TIMEOUT_SEC };
        if (timerfd_settime(m->timer_w.fd, 0, &its, NULL) < 0)
                finish(m);      /* without a deadline, do not wait at all */
}

/* Reaps every child that has exited: the init and orphans re-parented to us. */
static void reap_children(struct shim_monitor *m) {
        for (;;) {
                int st;
                pid_t pid = waitpid(-1, &st, WNOHANG);
                if (pid < 0 && errno == EINTR)
                        continue;
                if (pid <= 0)
                        return;
                if (pid == m->status.pid && !m->reaped)
                        init_exited(m, st);
                else
                        shim_execs_reaped(m->execs, pid, st);
        }
}

static void on_signal(struct shim_watch *w, uint32_t events) {
        struct shim_monitor *m = container_of(w, struct shim_monitor, signal_w);
        int signo;

        while ((signo = shim_signal_next(w->fd)) > 0) {
                if (signo == SIGCHLD) {
                        reap_children(m);
                } else if (!m->reaped) {
                        /* A stop request for the shim is a stop request for its container. */
                        log_debug("forwarding signal %d to the container", signo);
                        kill(m->status.pid, signo);
                }
        }
}

static void on_oom(struct shim_watch *w, uint32_t events) {
        struct shim_monitor *m = container_of(w, struct shim_monitor, oom_w);
        char buf[4096];

        /* eventfd (v1) or inotify (v2): the content does not matter, only that it fired. */
        if (read(w->fd, buf, sizeof(buf)) < 0 && errno == EAGAIN)
                return;
        m->oom_seen = true;
        log_info("the container's cgroup hit its memory limit");
        /* v1 also signals the eventfd when the cgroup goes away: stop watching after the first. */
        shim_loop_remove(m->loop, w);
}

static void on_timer(struct shim_watch *w, uint32_t events) {
        struct shim_monitor *m = container_of(w, struct shim_monitor, timer_w);
        log_debug("container output still open %d s after its exit, closing it", DRAIN_TIMEOUT_SEC);
        finish(m);
}

static int do_signal(struct shim_monitor *m, int signo, struct ctrd_error *err) {
        /* Until we reap it the pid cannot be reused, so kill() cannot hit a stranger. */
        if (m->reaped)
                return ctrd_error_set(err, ESRCH, "the container has exited");
        if (kill(m->status.pid, signo) < 0)
                return ctrd_error_sys(err, errno, "sending signal %d to pid %d", signo, (int) m->status.pid);
        return 0;
}

static int do_attach(struct shim_monitor *m, const struct shim_request *req, int *fd,
                     struct ctrd_error *err) {
        if (*fd < 0)
                return ctrd_error_set(err, EBADF, "attach needs the client's socket passed with SCM_RIGHTS");
        struct shim_attach_opts opts = { .in = req->in, .out = req->out, .err = req->err,
                                         .stdin_once = req->stdin_once, .detach = req->detach };
        return shim_attach_add(&m->stdio, TAKE_FD(*fd), &opts, err);
}

static char *handle_request(struct shim_conn *c, const struct shim_request *req, int *fd, void *userdata) {
        struct shim_monitor *m = userdata;
        struct ctrd_error err = { 0 };
        int r = 0;

        switch (req->op) {
        case SHIM_OP_STATE:
                return shim_reply_state(&m->status);
        case SHIM_OP_WAIT:
                /* Answered from finish(), after the exit file is on disk. */
                shim_conn_defer(c);
                return NULL;
        case SHIM_OP_SIGNAL:
                r = do_signal(m, req->signo, &err);
                break;
        case SHIM_OP_EXEC:
        case SHIM_OP_EXEC_STATE:
        case SHIM_OP_EXEC_WAIT:
                return shim_execs_handle(m->execs, c, req, fd, !m->reaped);
        case SHIM_OP_RESIZE:
                if (req->exec_id[0])
                        return shim_execs_handle(m->execs, c, req, fd, !m->reaped);
                r = shim_stdio_resize(&m->stdio, req->rows, req->cols, &err);
                break;
        case SHIM_OP_ATTACH:
                r = do_attach(m, req, fd, &err);
                break;
        case SHIM_OP_PAUSE:
        case SHIM_OP_RESUME:
        case SHIM_OP_STATS:
        case SHIM_OP_PIDS:
                if (m->cfg.ops.control && !m->reaped)
                        return m->cfg.ops.control(m->cfg.ops.userdata, req);
                r = ctrd_error_set(&err, m->reaped ? ESRCH : EOPNOTSUPP, "%s",
                                   m->reaped ? "the container has exited" : "no runtime to ask");
                break;
        default:
                r = ctrd_error_set(&err, EINVAL, "unsupported op %d", (int) req->op);
                break;
        }
        return r < 0 ? shim_reply_error(&err) : shim_reply_ok();
}

static int watch_fds(struct shim_monitor *m, struct ctrd_error *err) {
        int r = shim_loop_add(m->loop, &m->signal_w, m->cfg.signal_fd, EPOLLIN, on_signal);
        if (r < 0)
                return ctrd_error_sys(err, -r, "watching signals");
        int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        if (tfd < 0)
                return ctrd_error_sys(err, errno, "creating the drain timer");
        r = shim_loop_add(m->loop, &m->timer_w, tfd, EPOLLIN, on_timer);
        if (r < 0) {
                safe_close(tfd);
                return ctrd_error_sys(err, -r, "watching the drain timer");
        }
        if (m->cfg.oom_fd >= 0) {
                r = shim_loop_add(m->loop, &m->oom_w, m->cfg.oom_fd, EPOLLIN, on_oom);
                if (r < 0)
                        return ctrd_error_sys(err, -r, "watching for OOM kills");
        }
        return 0;
}

int shim_monitor_new(struct shim_loop *loop, const struct shim_monitor_config *cfg,
                     struct shim_monitor **ret, struct ctrd_error *err) {
        struct shim_monitor *m = calloc(1, sizeof(*m));
        if (!m)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        m->loop = loop;
        m->cfg = *cfg;
        m->timer_w.fd = -EBADF;
        m->status.pid = cfg->pid;
        ctrd_format_rfc3339_now(m->status.started_at, SHIM_TIME_MAX);

        int r = shim_stdio_init(&m->stdio, loop, cfg->log, &cfg->stdio, cfg->open_stdin, on_drained, err);
        if (r >= 0)
                r = watch_fds(m, err);
        if (r >= 0)
                r = shim_control_new(loop, cfg->run_dir_fd, handle_request, m, &m->control, err);
        if (r >= 0 && (r = shim_execs_new(loop, m->control, cfg->ops.exec, cfg->ops.userdata, &m->execs)) < 0)
                ctrd_error_set(err, -r, "out of memory");
        if (r < 0) {
                shim_monitor_free(m);
                return r;
        }
        *ret = m;
        return 0;
}

struct shim_stdio *shim_monitor_stdio(struct shim_monitor *m) {
        return &m->stdio;
}

int shim_monitor_run(struct shim_monitor *m) {
        /* The init may have died before the handler was watched: look once now. */
        reap_children(m);
        if (m->finished)
                return 0;
        return shim_loop_run(m->loop);
}

void shim_monitor_free(struct shim_monitor *m) {
        if (!m)
                return;
        shim_stdio_finish(&m->stdio);
        shim_attach_close_all(&m->stdio);
        shim_execs_free(m->execs);
        shim_control_free(m->control);
        shim_loop_remove(m->loop, &m->signal_w);
        shim_loop_remove(m->loop, &m->oom_w);
        shim_loop_remove(m->loop, &m->timer_w);
        safe_close(m->timer_w.fd);
        free(m);
}
