#define LOG_SUBSYSTEM "control"

#include "control-server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "macro.h"

struct shim_conn {
        struct shim_watch w;
        struct shim_control *ctl;
        bool deferred;
        unsigned held;                  /* answers owed through shim_control_answer() */
        uint64_t serial;
        struct shim_conn *next;
};

struct shim_control {
        struct shim_loop *loop;
        struct shim_watch listen_w;
        int run_dir_fd;
        shim_control_fn handler;
        void *userdata;
        struct shim_conn *conns;
        uint64_t last_serial;
};

static void conn_free(struct shim_conn *c) {
        for (struct shim_conn **p = &c->ctl->conns; *p; p = &(*p)->next)
                if (*p == c) {
                        *p = c->next;
                        break;
                }
        shim_loop_remove(c->ctl->loop, &c->w);
        safe_close(c->w.fd);
        free(c);
}

/* Replies are small and the peer reads them; one that does not is dropped (-1), else 1. */
static int conn_send(struct shim_conn *c, const char *line) {
        if (send(c->w.fd, line, strlen(line), MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
                log_debug_errno(errno, "dropping control client");
                conn_free(c);
                return -1;
        }
        return 1;
}

/* Receives one packet and at most one fd; returns the length, 0 at EOF, or -errno. */
static ssize_t conn_recv(int fd, char *buf, size_t size, int *ret_fd) {
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } control;
        struct iovec iov = { .iov_base = buf, .iov_len = size };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                              .msg_control = &control, .msg_controllen = sizeof(control) };

        ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (n < 0)
                return -errno;
        for (struct cmsghdr *h = CMSG_FIRSTHDR(&msg); h; h = CMSG_NXTHDR(&msg, h))
                if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS &&
                    h->cmsg_len == CMSG_LEN(sizeof(int)))
                        memcpy(ret_fd, CMSG_DATA(h), sizeof(int));
        /* The kernel closed any fds that did not fit; refuse such a request outright. */
        if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
                *ret_fd = safe_close(*ret_fd);
                return -EMSGSIZE;
        }
        return n;
}

/* Handles one pending request: 1 when one was handled, 0 when none is pending, -1 when c was freed. */
static int conn_handle_one(struct shim_conn *c) {
        struct shim_control *ctl = c->ctl;
        char buf[SHIM_REQUEST_MAX];
        _cleanup_close_ int fd = -EBADF;
        struct ctrd_error err = { 0 };
        struct shim_request req;

        ssize_t n = conn_recv(c->w.fd, buf, sizeof(buf), &fd);
        if (n == -EAGAIN || n == -EINTR)
                return 0;
        if (n == 0 || (n < 0 && n != -EMSGSIZE)) {
                conn_free(c);
                return -1;
        }
        int r = n < 0 ? ctrd_error_set(&err, EMSGSIZE, "request larger than %d bytes", SHIM_REQUEST_MAX)
                      : shim_request_parse(buf, (size_t) n, &req, &err);
        _cleanup_free_ char *reply = r < 0 ? shim_reply_error(&err) : ctl->handler(c, &req, &fd, ctl->userdata);
        if (r >= 0)
                shim_request_done(&req);
        if (reply)
                return conn_send(c, reply);
        if (!c->deferred && !c->held) {
                conn_free(c);   /* out of memory building the reply */
                return -1;
        }
        return 1;
}

static void on_conn_event(struct shim_watch *w, uint32_t events) {
        conn_handle_one(container_of(w, struct shim_conn, w));
}

static void on_listen_event(struct shim_watch *w, uint32_t events) {
        struct shim_control *ctl = container_of(w, struct shim_control, listen_w);
        _cleanup_close_ int fd = accept4(w->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) {
                if (errno != EAGAIN && errno != EINTR)
                        log_warning_errno(errno, "accepting a control connection, ignoring");
                return;
        }
        struct shim_conn *c = calloc(1, sizeof(*c));
        if (!c)
                return;
        c->ctl = ctl;
        c->serial = ++ctl->last_serial;
        if (shim_loop_add(ctl->loop, &c->w, fd, EPOLLIN, on_conn_event) < 0) {
                free(c);
                return;
        }
        TAKE_FD(fd);
        c->next = ctl->conns;
        ctl->conns = c;
}

static int bind_socket(int run_dir_fd, struct ctrd_error *err) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return ctrd_error_sys(err, errno, "creating the control socket");

        /* Through the directory fd, any run dir path fits in sun_path's 108 bytes. */
        snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/" SHIM_SOCKET_FILE, run_dir_fd);
        if (unlinkat(run_dir_fd, SHIM_SOCKET_FILE, 0) < 0 && errno != ENOENT)
                return ctrd_error_sys(err, errno, "removing a stale '" SHIM_SOCKET_FILE "'");
        /* The shim is single-threaded, so changing the umask around bind() is safe. */
        mode_t old = umask(0177);
        int r = bind(fd, (struct sockaddr *) &sa, sizeof(sa));
        umask(old);
        if (r < 0)
                return ctrd_error_sys(err, errno, "binding the control socket '%s'", sa.sun_path);
        if (listen(fd, 16) < 0)
                return ctrd_error_sys(err, errno, "listening on the control socket");
        return TAKE_FD(fd);
}

int shim_control_new(struct shim_loop *loop, int run_dir_fd, shim_control_fn handler, void *userdata,
                     struct shim_control **ret, struct ctrd_error *err) {
        int fd = bind_socket(run_dir_fd, err);
        if (fd < 0)
                return fd;
        struct shim_control *ctl = calloc(1, sizeof(*ctl));
        if (!ctl) {
                safe_close(fd);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        *ctl = (struct shim_control) { .loop = loop, .run_dir_fd = run_dir_fd,
                                       .handler = handler, .userdata = userdata };
        int r = shim_loop_add(loop, &ctl->listen_w, fd, EPOLLIN, on_listen_event);
        if (r < 0) {
                safe_close(fd);
                free(ctl);
                return ctrd_error_sys(err, -r, "watching the control socket");
        }
        *ret = ctl;
        return 0;
}

void shim_conn_defer(struct shim_conn *c) {
        c->deferred = true;
}

uint64_t shim_conn_hold(struct shim_conn *c) {
        c->held++;
        return c->serial;
}

void shim_control_answer(struct shim_control *ctl, uint64_t serial, const char *line) {
        for (struct shim_conn *c = ctl->conns; c; c = c->next)
                if (c->serial == serial && c->held > 0) {
                        c->held--;
                        conn_send(c, line);
                        return;
                }
}

void shim_control_broadcast(struct shim_control *ctl, const char *line) {
        struct shim_conn *next;

        /*
         * Requests the loop has not seen yet may include a "wait": accept
         * what is in the backlog and handle every pending request first, so
         * those clients get the event too instead of a reset when the shim
         * exits.
         */
        for (;;) {
                struct shim_conn *head = ctl->conns;
                on_listen_event(&ctl->listen_w, EPOLLIN);
                if (ctl->conns == head)
                        break;
        }
        for (struct shim_conn *c = ctl->conns; c; c = next) {
                next = c->next;
                while (conn_handle_one(c) > 0)
                        ;
        }
        for (struct shim_conn *c = ctl->conns; c; c = next) {
                next = c->next;
                if (c->deferred)
                        conn_send(c, line);
        }
}

void shim_control_free(struct shim_control *ctl) {
        if (!ctl)
                return;
        while (ctl->conns)
                conn_free(ctl->conns);
        shim_loop_remove(ctl->loop, &ctl->listen_w);
        safe_close(ctl->listen_w.fd);
        (void) unlinkat(ctl->run_dir_fd, SHIM_SOCKET_FILE, 0);
        free(ctl);
}
