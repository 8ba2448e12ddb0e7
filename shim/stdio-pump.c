#define LOG_SUBSYSTEM "stdio"

#include "stdio-pump.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "macro.h"
#include "stdio-attach.h"

/* The stdin queue that makes attach clients pause until the container reads. */
#define STDIN_MAX_PENDING (64 * 1024)

/* Reads after the exit: 32 x 32 KiB covers a pipe grown to 1 MiB (the default maximum). */
#define FINISH_MAX_READS 32

/* One read's worth; dockerd also copies 32 KiB at a time. */
static char read_buf[32 * 1024];

static int set_nonblock(int fd) {
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
                return -errno;
        return 0;
}

static void log_output(struct shim_stdio *s, enum shim_stream st, const char *data, size_t len) {
        struct ctrd_error err = { 0 };
        if (s->log && shim_logfile_feed(s->log, st, data, len, &err) < 0)
                log_warning("%s, output not logged", err.msg);
}

static void stream_eof(struct shim_stdio *s, struct shim_watch *w, int *fd, enum shim_stream st) {
        struct ctrd_error err = { 0 };

        shim_loop_remove(s->loop, w);
        *fd = safe_close(*fd);
        if (s->log && shim_logfile_flush(s->log, st, &err) < 0)
                log_warning("%s, output not logged", err.msg);
        if (shim_stdio_drained(s) && s->on_drained)
                s->on_drained(s);
}

/* Reads one chunk; returns false at EOF (or error), which it handles. */
static bool pump_once(struct shim_stdio *s, struct shim_watch *w, int *fd, enum shim_stream st) {
        ssize_t n = read(*fd, read_buf, sizeof(read_buf));
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return false;
        if (n <= 0) {
                /* A pty master reports EIO once the last slave fd is closed: that is EOF too. */
                if (n < 0 && errno != EIO)
                        log_warning_errno(errno, "reading container %s", shim_stream_to_string(st));
                stream_eof(s, w, fd, st);
                return false;
        }
        log_output(s, st, read_buf, (size_t) n);
        shim_attach_broadcast(s, st, read_buf, (size_t) n);
        return true;
}

static void on_stdout(struct shim_watch *w, uint32_t events) {
        struct shim_stdio *s = container_of(w, struct shim_stdio, out_w);
        pump_once(s, w, &s->out_fd, SHIM_STREAM_STDOUT);
}

static void on_stderr(struct shim_watch *w, uint32_t events) {
        struct shim_stdio *s = container_of(w, struct shim_stdio, err_w);
        pump_once(s, w, &s->err_fd, SHIM_STREAM_STDERR);
}

static void input_closed(struct shim_stdio *s) {
        shim_loop_remove(s->loop, &s->in_w);
        s->in_fd = safe_close(s->in_fd);
        s->in_close_pending = false;
        shim_buf_done(&s->in_pending);
        shim_attach_update_all(s);
}

/* Writes as much of the queue as the container takes now. */
static void flush_input(struct shim_stdio *s) {
        while (s->in_pending.len > 0) {
                ssize_t n = write(s->in_fd, s->in_pending.data, s->in_pending.len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        break;
                if (n < 0) {
                        /* EPIPE: the container closed its stdin; drop what it will never read. */
                        input_closed(s);
                        return;
                }
                shim_buf_consume(&s->in_pending, (size_t) n);
        }
        if (s->in_pending.len == 0 && s->in_close_pending && !s->tty) {
                input_closed(s);
                return;
        }
        bool want_out = s->in_pending.len > 0;
        if (want_out && !s->in_w.added) {
                if (shim_loop_add(s->loop, &s->in_w, s->in_fd, EPOLLOUT, s->in_w.fn) < 0)
                        log_warning("cannot watch the container's stdin, input dropped");
        } else if (!want_out && s->in_w.added) {
                shim_loop_remove(s->loop, &s->in_w);
        }
        shim_attach_update_all(s);
}

static void on_stdin_writable(struct shim_watch *w, uint32_t events) {
        struct shim_stdio *s = container_of(w, struct shim_stdio, in_w);
        flush_input(s);
}

void shim_stdio_input(struct shim_stdio *s, const char *data, size_t len) {
        if (s->in_fd < 0 || s->in_close_pending)
                return;
        if (shim_buf_append(&s->in_pending, data, len) < 0) {
                log_warning("out of memory queueing stdin, %zu bytes dropped", len);
                return;
        }
        flush_input(s);
}

void shim_stdio_close_input(struct shim_stdio *s) {
        /* A pty has one master for both directions; its input end cannot be closed alone. */
        if (s->in_fd < 0 || s->tty)
                return;
        s->in_close_pending = true;
        flush_input(s);
}

bool shim_stdio_input_ready(const struct shim_stdio *s) {
        return s->in_pending.len < STDIN_MAX_PENDING;
}

bool shim_stdio_drained(const struct shim_stdio *s) {
        return s->out_fd < 0 && s->err_fd < 0;
}

int shim_stdio_resize(struct shim_stdio *s, unsigned rows, unsigned cols, struct ctrd_error *err) {
        if (s->pty_fd < 0)
                return ctrd_error_set(err, ENOTTY, "the container has no terminal");
        struct winsize ws = { .ws_row = (unsigned short) rows, .ws_col = (unsigned short) cols };
        if (ioctl(s->pty_fd, TIOCSWINSZ, &ws) < 0)
                return ctrd_error_sys(err, errno, "resizing the terminal to %ux%u", rows, cols);
        return 0;
}

static int watch_output(struct shim_stdio *s, struct shim_watch *w, int fd, shim_watch_fn fn,
                        struct ctrd_error *err) {
        int r = set_nonblock(fd);
        if (r >= 0)
                r = shim_loop_add(s->loop, w, fd, EPOLLIN, fn);
        if (r < 0)
                return ctrd_error_sys(err, -r, "watching the container's output");
        return 0;
}

int shim_stdio_init(struct shim_stdio *s, struct shim_loop *loop, struct shim_logfile *log,
                    const struct shim_stdio_fds *fds, bool open_stdin, shim_stdio_drained_fn on_drained,
                    struct ctrd_error *err) {
        *s = (struct shim_stdio) {
                .loop = loop, .log = log, .tty = fds->pty >= 0, .on_drained = on_drained,
                .out_fd = fds->pty >= 0 ? fds->pty : fds->out,
                .err_fd = fds->pty >= 0 ? -EBADF : fds->err,
                .in_fd = fds->pty >= 0 ? -EBADF : fds->in,
                .pty_fd = -EBADF,
        };
        s->in_w.fn = on_stdin_writable;
        if (s->tty) {
                /* Separate fds for input and resizes, because epoll watches the master for output. */
                s->pty_fd = fcntl(fds->pty, F_DUPFD_CLOEXEC, 3);
                if (open_stdin && s->pty_fd >= 0)
                        s->in_fd = fcntl(fds->pty, F_DUPFD_CLOEXEC, 3);
                if (s->pty_fd < 0 || (open_stdin && s->in_fd < 0))
                        return ctrd_error_sys(err, errno, "duplicating the pty master");
        }
        if (s->in_fd >= 0 && set_nonblock(s->in_fd) < 0)
                return ctrd_error_sys(err, errno, "making the container's stdin non-blocking");
        int r = watch_output(s, &s->out_w, s->out_fd, on_stdout, err);
        if (r >= 0 && s->err_fd >= 0)
                r = watch_output(s, &s->err_w, s->err_fd, on_stderr, err);
        return r;
}

void shim_stdio_finish(struct shim_stdio *s) {
        /*
         * Whatever the container wrote before it died is still in the pipes:
         * take it, but only what a full pipe can hold, since a leftover
         * process outside a pid namespace could keep writing for ever.
         */
        for (int i = 0; i < FINISH_MAX_READS && s->out_fd >= 0; i++)
                if (!pump_once(s, &s->out_w, &s->out_fd, SHIM_STREAM_STDOUT))
                        break;
        for (int i = 0; i < FINISH_MAX_READS && s->err_fd >= 0; i++)
                if (!pump_once(s, &s->err_w, &s->err_fd, SHIM_STREAM_STDERR))
                        break;
        s->on_drained = NULL;
        if (s->out_fd >= 0)
                stream_eof(s, &s->out_w, &s->out_fd, SHIM_STREAM_STDOUT);
        if (s->err_fd >= 0)
                stream_eof(s, &s->err_w, &s->err_fd, SHIM_STREAM_STDERR);
        shim_loop_remove(s->loop, &s->in_w);
        s->in_fd = safe_close(s->in_fd);
        s->pty_fd = safe_close(s->pty_fd);
        shim_buf_done(&s->in_pending);
}
