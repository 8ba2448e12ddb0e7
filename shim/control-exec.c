#define LOG_SUBSYSTEM "exec"

#include "control-exec.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs-util.h"
#include "log.h"
#include "macro.h"
#include "stdio-attach.h"
#include "stdio-frame.h"
#include "stdio-pump.h"

/* How long an exec's output may trail its exit (a background child holding the pipes). */
#define DRAIN_TIMEOUT_SEC 1

struct shim_exec {
        struct shim_execs *owner;
        char id[SHIM_EXEC_ID_MAX];
        pid_t pid;
        int exit_code;                  /* -1 until reaped */
        bool reaped, done;
        struct shim_stdio stdio;
        struct shim_watch timer_w;
        uint64_t *waiters;              /* serials of connections owed an "exec-wait" answer */
        size_t n_waiters;
        struct shim_exec *next;         /* newest first */
};

struct shim_execs {
        struct shim_loop *loop;
        struct shim_control *ctl;
        shim_exec_start_fn start;
        void *userdata;
        struct shim_exec *list;
};

static struct shim_exec *find(struct shim_execs *x, const char *id) {
        for (struct shim_exec *e = x->list; e; e = e->next)
                if (strcmp(e->id, id) == 0)
                        return e;
        return NULL;
}

static void exec_free(struct shim_exec *e) {
        e->stdio.on_drained = NULL;     /* no finish() from the last reads below */
        shim_stdio_finish(&e->stdio);
        shim_attach_close_all(&e->stdio);
        shim_loop_remove(e->owner->loop, &e->timer_w);
        safe_close(e->timer_w.fd);
        free(e->waiters);
        free(e);
}

/* Forgets the oldest finished execs beyond SHIM_EXECS_KEEP. */
static void trim(struct shim_execs *x) {
        size_t kept = 0;
        for (struct shim_exec **p = &x->list; *p;) {
                struct shim_exec *e = *p;
                if (e->done && ++kept > SHIM_EXECS_KEEP) {
                        *p = e->next;
                        exec_free(e);
                        continue;
                }
                p = &e->next;
        }
}

static void finish(struct shim_exec *e) {
        if (e->done)
                return;
        e->done = true;
        shim_stdio_finish(&e->stdio);
        shim_loop_remove(e->owner->loop, &e->timer_w);
        e->timer_w.fd = safe_close(e->timer_w.fd);
        /* The daemon hears of the end before the client's stream does. */
        _cleanup_free_ char *line = shim_exec_reply_exit(e->id, e->exit_code);
        for (size_t i = 0; line && i < e->n_waiters; i++)
                shim_control_answer(e->owner->ctl, e->waiters[i], line);
        e->n_waiters = 0;
        shim_attach_close_all(&e->stdio);
        trim(e->owner);
}

static void on_drained(struct shim_stdio *s) {
        struct shim_exec *e = container_of(s, struct shim_exec, stdio);
        if (e->reaped)
                finish(e);
}

static void on_timer(struct shim_watch *w, uint32_t events) {
        struct shim_exec *e = container_of(w, struct shim_exec, timer_w);
        log_debug("output of exec %s still open %d s after its exit, closing it", e->id, DRAIN_TIMEOUT_SEC);
        finish(e);
}

static void record_exit(struct shim_exec *e, int st) {
        e->reaped = true;
        e->exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 255;
        log_debug("exec %s (pid %d) exited with %d", e->id, (int) e->pid, e->exit_code);
}

bool shim_execs_reaped(struct shim_execs *x, pid_t pid, int wait_status) {
        struct shim_exec *e = x ? x->list : NULL;
        while (e && (e->pid != pid || e->reaped))
                e = e->next;
        if (!e)
                return false;
        record_exit(e, wait_status);
        if (shim_stdio_drained(&e->stdio)) {
                finish(e);
                return true;
        }
        struct itimerspec its = { .it_value.tv_sec = DRAIN_TIMEOUT_SEC };
        e->timer_w.fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        if (e->timer_w.fd < 0 || timerfd_settime(e->timer_w.fd, 0, &its, NULL) < 0 ||
            shim_loop_add(x->loop, &e->timer_w, e->timer_w.fd, EPOLLIN, on_timer) < 0)
                finish(e);      /* without a deadline, do not wait at all */
        return true;
}

/* The process's ends [0..2] and ours (out, err, in) of the exec's stdio pipes. */
struct exec_pipes {
        int child[3];
        struct shim_stdio_fds ours;
};

static void exec_pipes_close(struct exec_pipes *p) {
        for (int i = 0; i < 3; i++)
                p->child[i] = safe_close(p->child[i]);
        p->ours.out = safe_close(p->ours.out);
        p->ours.err = safe_close(p->ours.err);
        p->ours.in = safe_close(p->ours.in);
        p->ours.pty = safe_close(p->ours.pty);
}

static int make_pipe(int *child, int *ours, bool child_reads, struct ctrd_error *err) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return ctrd_error_sys(err, errno, "creating a pipe for the exec's stdio");
        *child = child_reads ? p[0] : p[1];
        *ours = child_reads ? p[1] : p[0];
        return 0;
}

/* Without "stdin" the process reads /dev/null, as the container's does without OpenStdin. */
static int exec_pipes_open(struct exec_pipes *p, bool in, struct ctrd_error *err) {
        int r = make_pipe(&p->child[1], &p->ours.out, false, err);
        if (r >= 0)
                r = make_pipe(&p->child[2], &p->ours.err, false, err);
        if (r >= 0 && in)
                return make_pipe(&p->child[0], &p->ours.in, true, err);
        if (r >= 0 && (p->child[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0)
                return ctrd_error_sys(err, errno, "opening '/dev/null'");
        return r;
}

/* The client's socket must be usable before anything starts: a stream socket. */
static int check_client(int fd, struct ctrd_error *err) {
        int type = 0;
        socklen_t len = sizeof(type);
        if (fd < 0)
                return 0;       /* a detached exec: output is read and dropped */
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_STREAM)
                return ctrd_error_set(err, ENOTSOCK, "the exec's client fd is not a stream socket");
        return 0;
}

static struct shim_exec *exec_new(struct shim_execs *x, const char *id) {
        struct shim_exec *e = calloc(1, sizeof(*e));
        if (!e)
                return NULL;
        *e = (struct shim_exec) { .owner = x, .exit_code = -1, .timer_w.fd = -EBADF,
                                  .stdio = { .out_fd = -EBADF, .err_fd = -EBADF, .in_fd = -EBADF,
                                             .pty_fd = -EBADF } };
        snprintf(e->id, sizeof(e->id), "%s", id);
        e->next = x->list;
        x->list = e;
        return e;
}

/* A start that failed is an exec that ended at once: 127 not found, 126 not runnable. */
static void record_failure(struct shim_execs *x, const char *id, bool tty, int fd,
                           const struct ctrd_error *err) {
        struct shim_exec *e = exec_new(x, id);
        uint8_t hdr[SHIM_FRAME_HEADER_SIZE];
        char msg[CTRD_ERROR_MSG_MAX + 1];

        if (!e)
                return;
        e->reaped = e->done = true;
        e->exit_code = err->code == ENOENT ? 127 : 126;
        trim(x);
        if (fd < 0)
                return;
        /* The client sees why (on stderr without a tty), and the daemon need not write into the stream. */
        int n = snprintf(msg, sizeof(msg), "%s\n", err->msg);
        shim_frame_header(hdr, SHIM_STREAM_STDERR, (uint32_t) n);
        struct iovec iov[2] = { { .iov_base = hdr, .iov_len = sizeof(hdr) },
                                { .iov_base = msg, .iov_len = (size_t) n } };
        struct msghdr mh = { .msg_iov = tty ? iov + 1 : iov, .msg_iovlen = tty ? 1 : 2 };
        (void) sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
        shutdown(fd, SHUT_WR);
}

static int exec_start(struct shim_execs *x, const struct shim_request *req, int *fd, pid_t *ret_pid,
                 struct ctrd_error *err) {
        const struct shim_exec_request *q = req->exec;
        struct exec_pipes p = { { -EBADF, -EBADF, -EBADF }, { -EBADF, -EBADF, -EBADF, -EBADF } };
        pid_t pid = 0;
        int r;

        if (!q->tty && (r = exec_pipes_open(&p, q->in, err)) < 0)
                goto out;
        if ((r = x->start(x->userdata, q, p.child, &pid, &p.ours.pty, err)) < 0) {
                record_failure(x, req->exec_id, q->tty, *fd, err);
                goto out;
        }
        struct shim_exec *e = exec_new(x, req->exec_id);
        if (!e) {
                kill(pid, SIGKILL);     /* reaped by the monitor; unknown to us, so not reported */
                r = ctrd_error_set(err, ENOMEM, "out of memory");
                goto out;
        }
        e->pid = pid;
        struct shim_stdio_fds fds = p.ours;
        p.ours = (struct shim_stdio_fds) { -EBADF, -EBADF, -EBADF, -EBADF };
        r = shim_stdio_init(&e->stdio, x->loop, NULL, &fds, q->in, on_drained, err);
        struct shim_attach_opts ao = { .in = q->in, .out = true, .err = true, .stdin_once = true,
                                       .detach = q->detach };
        if (r >= 0 && *fd >= 0)
                r = shim_attach_add(&e->stdio, TAKE_FD(*fd), &ao, err);
        if (r < 0) {
                /* Running but unmonitorable: stop it; its exit is recorded when it is reaped. */
                kill(pid, SIGKILL);
                goto out;
        }
        *ret_pid = pid;
out:
        exec_pipes_close(&p);
        return r;
}

static char *do_exec(struct shim_execs *x, const struct shim_request *req, int *fd, bool running) {
        struct ctrd_error err = { 0 };
        pid_t pid = 0;
        int r;

        if (!running)
                r = ctrd_error_set(&err, ESRCH, "exec: the container is not running");
        else if (!x->start)
                r = ctrd_error_set(&err, EOPNOTSUPP, "exec: no runtime to start processes");
        else if (find(x, req->exec_id))
                r = ctrd_error_set(&err, EEXIST, "exec '%s' exists already", req->exec_id);
        else if ((r = check_client(*fd, &err)) >= 0)
                r = exec_start(x, req, fd, &pid, &err);
        if (r < 0)
                return shim_reply_error(&err);
        return shim_exec_reply_started(pid);
}

static char *do_wait(struct shim_execs *x, struct shim_conn *c, struct shim_exec *e) {
        if (e->done)
                return shim_exec_reply_exit(e->id, e->exit_code);
        uint64_t *w = realloc(e->waiters, (e->n_waiters + 1) * sizeof(*w));
        if (!w)
                return NULL;
        e->waiters = w;
        e->waiters[e->n_waiters++] = shim_conn_hold(c);
        return NULL;
}

static char *do_resize(struct shim_exec *e, const struct shim_request *req) {
        struct ctrd_error err = { 0 };
        int r = e->reaped ? ctrd_error_set(&err, ESRCH, "exec '%s' has exited", e->id)
                : e->stdio.pty_fd < 0 ? ctrd_error_set(&err, ENOTTY, "exec '%s' has no terminal", e->id)
                : shim_stdio_resize(&e->stdio, req->rows, req->cols, &err);
        return r < 0 ? shim_reply_error(&err) : shim_reply_ok();
}

char *shim_execs_handle(struct shim_execs *x, struct shim_conn *c, const struct shim_request *req, int *fd,
                        bool running) {
        struct ctrd_error err = { 0 };

        if (req->op == SHIM_OP_EXEC)
                return do_exec(x, req, fd, running);
        struct shim_exec *e = find(x, req->exec_id);
        if (!e) {
                ctrd_error_set(&err, ENOENT, "no exec '%s'", req->exec_id);
                return shim_reply_error(&err);
        }
        switch (req->op) {
        case SHIM_OP_EXEC_STATE:
                return shim_exec_reply_state(e->id, e->pid, e->reaped ? e->exit_code : -1);
        case SHIM_OP_EXEC_WAIT:
                return do_wait(x, c, e);
        case SHIM_OP_RESIZE:
                return do_resize(e, req);
        default:
                ctrd_error_set(&err, EINVAL, "op %d is not an exec op", (int) req->op);
                return shim_reply_error(&err);
        }
}

int shim_execs_new(struct shim_loop *loop, struct shim_control *ctl, shim_exec_start_fn start,
                   void *userdata, struct shim_execs **ret) {
        struct shim_execs *x = calloc(1, sizeof(*x));
        if (!x)
                return -ENOMEM;
        *x = (struct shim_execs) { .loop = loop, .ctl = ctl, .start = start, .userdata = userdata };
        *ret = x;
        return 0;
}

void shim_execs_stop(struct shim_execs *x) {
        if (!x)
                return;
        x->start = NULL;
        /* finish() may drop old records from the list, so look for the next one from the top. */
        for (;;) {
                struct shim_exec *e = x->list;
                while (e && e->done)
                        e = e->next;
                if (!e)
                        return;
                if (!e->reaped) {
                        int st = 0;
                        /* Still our unreaped child, so the pid is its own. */
                        kill(e->pid, SIGKILL);
                        while (waitpid(e->pid, &st, 0) < 0 && errno == EINTR)
                                ;
                        record_exit(e, st);
                }
                finish(e);
        }
}

void shim_execs_free(struct shim_execs *x) {
        if (!x)
                return;
        while (x->list) {
                struct shim_exec *e = x->list;
                x->list = e->next;
                exec_free(e);
        }
        free(x);
}
