#define LOG_SUBSYSTEM "attach"

#include "stdio-attach.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "cleanup.h"
#include "log.h"
#include "macro.h"
#include "stdio-frame.h"

struct shim_attach {
        struct shim_watch w;
        struct shim_stdio *stdio;
        struct shim_attach_opts opts;
        bool in_eof;                    /* the client half-closed (or asked for no stdin) */
        struct shim_buf out;            /* output the client has not taken yet */
        struct shim_attach *next;
};

static void attach_free(struct shim_attach *a) {
        struct shim_stdio *s = a->stdio;
        for (struct shim_attach **p = &s->attaches; *p; p = &(*p)->next)
                if (*p == a) {
                        *p = a->next;
                        break;
                }
        shim_loop_remove(s->loop, &a->w);
        safe_close(a->w.fd);
        shim_buf_done(&a->out);
        free(a);
}

static uint32_t wanted_events(const struct shim_attach *a) {
        uint32_t ev = 0;
        if (!a->in_eof && shim_stdio_input_ready(a->stdio))
                ev |= EPOLLIN;
        if (a->out.len > 0)
                ev |= EPOLLOUT;
        return ev;
}

/* Sends what is pending; returns false when the client is gone and was freed. */
static bool attach_flush(struct shim_attach *a) {
        while (a->out.len > 0) {
                ssize_t n = send(a->w.fd, a->out.data, a->out.len, MSG_DONTWAIT | MSG_NOSIGNAL);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        break;
                if (n < 0) {
                        log_debug_errno(errno, "attach client went away");
                        attach_free(a);
                        return false;
                }
                shim_buf_consume(&a->out, (size_t) n);
        }
        if (shim_loop_modify(a->stdio->loop, &a->w, wanted_events(a)) < 0) {
                attach_free(a);
                return false;
        }
        return true;
}

/* A terminal's input, watched for the detach keys (stdio-detach.h). */
static void input_with_detach_keys(struct shim_attach *a, const char *buf, size_t n) {
        char out[4096 + SHIM_DETACH_MAX];
        bool detach;
        size_t m = shim_detach_filter(&a->opts.detach, buf, n, out, &detach);

        shim_stdio_input(a->stdio, out, m);
        if (detach) {
                log_debug("attach client typed its detach keys, detaching it");
                attach_free(a);
        }
}

static void read_input(struct shim_attach *a) {
        char buf[4096];
        ssize_t n = recv(a->w.fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return;
        if (n > 0) {
                /* Stdin from a client that did not ask to write it is discarded, as dockerd does. */
                if (a->opts.in && a->stdio->tty)
                        input_with_detach_keys(a, buf, (size_t) n);
                else if (a->opts.in)
                        shim_stdio_input(a->stdio, buf, (size_t) n);
                return;
        }
        a->in_eof = true;
        if (a->opts.in && a->opts.stdin_once)
                shim_stdio_close_input(a->stdio);
        if (n < 0 || (!a->opts.out && !a->opts.err)) {
                attach_free(a);
                return;
        }
        attach_flush(a);
}

static void on_attach_event(struct shim_watch *w, uint32_t events) {
        struct shim_attach *a = container_of(w, struct shim_attach, w);

        /* EPOLLHUP: the client closed both directions, i.e. it detached. */
        if (events & (EPOLLHUP | EPOLLERR)) {
                attach_free(a);
                return;
        }
        if (events & EPOLLOUT && !attach_flush(a))
                return;
        if (events & EPOLLIN)
                read_input(a);
}

int shim_attach_add(struct shim_stdio *s, int fd, const struct shim_attach_opts *opts,
                    struct ctrd_error *err) {
        _cleanup_close_ int sock = fd;
        int type = 0;
        socklen_t len = sizeof(type);

        if (getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_STREAM)
                return ctrd_error_set(err, ENOTSOCK, "the attached fd is not a stream socket");
        struct shim_attach *a = calloc(1, sizeof(*a));
        if (!a)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        *a = (struct shim_attach) { .stdio = s, .opts = *opts };
        /* Like dockerd, every terminal attach has detach keys: ctrl-p,ctrl-q unless told otherwise. */
        if (a->opts.detach.len == 0)
                (void) shim_detach_parse(NULL, &a->opts.detach, NULL);
        int r = shim_loop_add(s->loop, &a->w, sock, 0, on_attach_event);
        if (r < 0) {
                free(a);
                return ctrd_error_sys(err, -r, "watching the attached socket");
        }
        TAKE_FD(sock);
        a->next = s->attaches;
        s->attaches = a;
        attach_flush(a);        /* sets the events */
        return 0;
}

static bool wants(const struct shim_attach *a, enum shim_stream st) {
        return st == SHIM_STREAM_STDOUT ? a->opts.out : a->opts.err;
}

void shim_attach_broadcast(struct shim_stdio *s, enum shim_stream st, const char *data, size_t len) {
        struct shim_attach *next;
        for (struct shim_attach *a = s->attaches; a; a = next) {
                next = a->next;
                if (!wants(a, st))
                        continue;
                uint8_t hdr[SHIM_FRAME_HEADER_SIZE];
                shim_frame_header(hdr, st, (uint32_t) len);
                if ((!s->tty && shim_buf_append(&a->out, hdr, sizeof(hdr)) < 0) ||
                    shim_buf_append(&a->out, data, len) < 0 || a->out.len > SHIM_ATTACH_MAX_PENDING) {
                        log_warning("attach client is %zu bytes behind, dropping it", a->out.len);
                        attach_free(a);
                        continue;
                }
                attach_flush(a);
        }
}

void shim_attach_update_all(struct shim_stdio *s) {
        struct shim_attach *next;
        for (struct shim_attach *a = s->attaches; a; a = next) {
                next = a->next;
                if (shim_loop_modify(s->loop, &a->w, wanted_events(a)) < 0)
                        attach_free(a);
        }
}

void shim_attach_close_all(struct shim_stdio *s) {
        /* The loop is ending: a bounded blocking send is simpler than more loop turns. */
        struct timeval tv = { .tv_sec = 1 };
        while (s->attaches) {
                struct shim_attach *a = s->attaches;
                setsockopt(a->w.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
                while (a->out.len > 0) {
                        ssize_t n = send(a->w.fd, a->out.data, a->out.len, MSG_NOSIGNAL);
                        if (n <= 0)
                                break;
                        shim_buf_consume(&a->out, (size_t) n);
                }
                shutdown(a->w.fd, SHUT_WR);
                attach_free(a);
        }
}
