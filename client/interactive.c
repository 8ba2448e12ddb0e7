#include "interactive.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "cleanup.h"
#include "cmd-containers.h"
#include "fs-util.h"
#include "stream.h"

static struct termios saved_termios;
static bool terminal_raw;
static volatile sig_atomic_t winch_pending;

static void restore_terminal(void) {
        if (terminal_raw) {
                tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_termios);
                terminal_raw = false;
        }
}

/* A signal that ends us must not leave the user's terminal raw. */
static void on_fatal_signal(int sig) {
        restore_terminal();
        signal(sig, SIG_DFL);
        raise(sig);
}

static void on_winch(int sig) {
        winch_pending = 1;
}

static int make_terminal_raw(void) {
        if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_termios) < 0)
                return 0;
        struct termios raw = saved_termios;
        cfmakeraw(&raw);
        /* Keep output processing so our own messages still end lines properly. */
        raw.c_oflag = saved_termios.c_oflag;
        if (tcsetattr(STDIN_FILENO, TCSADRAIN, &raw) < 0)
                return -errno;
        terminal_raw = true;
        atexit(restore_terminal);
        signal(SIGTERM, on_fatal_signal);
        signal(SIGHUP, on_fatal_signal);
        return 0;
}

void ctl_session_resize(struct ctl_client *c, const char *resize_path) {
        struct winsize ws;
        if (!resize_path || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0 || ws.ws_row == 0)
                return;
        _cleanup_free_ char *path = strdup(resize_path);
        char h[16], w[16];
        snprintf(h, sizeof(h), "%u", ws.ws_row);
        snprintf(w, sizeof(w), "%u", ws.ws_col);
        if (path && ctl_path_add_query(c, &path, "h", h) >= 0 && ctl_path_add_query(c, &path, "w", w) >= 0)
                ctl_call(c, "POST", path, NULL, NULL);
}

/* To the daemon: a peer that closed must be an error, not SIGPIPE. */
static int send_all(int fd, const char *data, size_t len) {
        while (len > 0) {
                ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                data += n;
                len -= (size_t) n;
        }
        return 0;
}

static int write_frame(void *userdata, int stream, const char *data, size_t len) {
        int r = ctrd_write_all(stream == 2 ? STDERR_FILENO : STDOUT_FILENO, data, len);
        return r < 0 ? r : 0;
}

/* Output from the daemon: raw with a TTY, demultiplexed frames otherwise. */
static int take_output(const struct ctl_session_opts *o, struct ctl_demux *d, const char *data, size_t len) {
        if (o->tty)
                return ctrd_write_all(STDOUT_FILENO, data, len);
        return ctl_demux_feed(d, data, len);
}

int ctl_session_run(struct ctl_client *c, int fd, const char *extra, size_t extra_len,
                    const struct ctl_session_opts *o) {
        struct ctl_demux demux;
        ctl_demux_init(&demux, write_frame, NULL);
        if (!o->stdin_open)
                shutdown(fd, SHUT_WR);  /* nothing from us: say so at once, as docker does */
        if (o->tty && o->stdin_open && make_terminal_raw() < 0)
                return -errno;
        struct sigaction sa = { .sa_handler = on_winch };
        if (o->resize_path)
                sigaction(SIGWINCH, &sa, NULL);

        int r = take_output(o, &demux, extra, extra_len);
        bool in_open = o->stdin_open;
        char buf[32 * 1024];
        while (r >= 0) {
                if (winch_pending) {
                        winch_pending = 0;
                        ctl_session_resize(c, o->resize_path);
                }
                struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
                                       { .fd = in_open ? STDIN_FILENO : -1, .events = POLLIN } };
                if (poll(p, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        r = -errno;
                        break;
                }
                if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
                        ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
                        if (n > 0) {
                                r = send_all(fd, buf, (size_t) n);
                                if (r == -EPIPE || r == -ECONNRESET)
                                        r = 0, in_open = false;     /* the process closed its stdin */
                        } else if (n == 0 || errno != EINTR) {
                                in_open = false;
                                shutdown(fd, SHUT_WR);
                        }
                }
                if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
                        ssize_t n = read(fd, buf, sizeof(buf));
                        if (n < 0 && errno == EINTR)
                                continue;
                        if (n <= 0) {
                                r = n < 0 ? -errno : 0;
                                break;
                        }
                        r = take_output(o, &demux, buf, (size_t) n);
                }
        }
        if (r >= 0 && !o->tty)
                r = ctl_demux_finish(&demux);
        restore_terminal();
        if (o->resize_path)
                signal(SIGWINCH, SIG_DFL);
        if (r < 0 && r != -ECONNRESET)
                ctl_error("the session ended with an error: %s", strerror(-r));
        return r == -ECONNRESET ? 0 : r;
}
