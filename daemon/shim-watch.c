#include "shim-watch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cleanup.h"
#include "log.h"
#include "macro.h"

struct shim_watch {
        uv_poll_t poll;                 /* the control connection; unused when polling is false */
        uv_timer_t later;               /* delivers an answer known at start on the next turn */
        int fd;
        bool polling;
        char *run_dir;
        shim_exit_cb cb;
        void *userdata;
        int open_handles;
};

static void on_closed(uv_handle_t *h) {
        struct shim_watch *w = h->data;
        if (--w->open_handles > 0)
                return;
        safe_close(w->fd);
        free(w->run_dir);
        free(w);
}

static void watch_close(struct shim_watch *w) {
        if (w->polling)
                uv_close((uv_handle_t *) &w->poll, on_closed);
        uv_close((uv_handle_t *) &w->later, on_closed);
}

/* The shim is gone or hung up: its exit file (written before it answers) says how it ended. */
static void deliver_from_exit_file(struct shim_watch *w) {
        struct ctrd_shim_exit ex;
        struct ctrd_error err = { 0 };
        int r = ctrd_shim_read_exit(w->run_dir, &ex, &err);
        if (r == -ENOENT)
                ctrd_error_set(&err, ESRCH, "the shim of '%s' is gone and left no exit status",
                               w->run_dir), r = -ESRCH;
        shim_exit_cb cb = w->cb;
        w->cb = NULL;
        if (cb)
                cb(r, r < 0 ? NULL : &ex, &err, w->userdata);
        watch_close(w);
}

static void on_later(uv_timer_t *t) {
        deliver_from_exit_file(t->data);
}

static void on_readable(uv_poll_t *p, int status, int events) {
        struct shim_watch *w = p->data;
        char buf[4096];
        ssize_t n = status < 0 ? -1 : recv(w->fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return;
        uv_poll_stop(p);
        if (n <= 0) {
                deliver_from_exit_file(w);
                return;
        }
        struct ctrd_shim_exit ex;
        struct ctrd_error err = { 0 };
        int r = ctrd_shim_parse_exit(buf, (size_t) n, &ex, &err);
        if (r < 0) {
                log_warning("unexpected answer from the shim in '%s' (%s), reading its exit file",
                            w->run_dir, err.msg);
                deliver_from_exit_file(w);
                return;
        }
        shim_exit_cb cb = w->cb;
        w->cb = NULL;
        if (cb)
                cb(0, &ex, NULL, w->userdata);
        watch_close(w);
}

int shim_watch_start(uv_loop_t *loop, const char *run_dir, shim_exit_cb cb, void *userdata,
                     struct shim_watch **ret, struct ctrd_error *err) {
        struct shim_watch *w = calloc(1, sizeof(*w));
        if (!w || !(w->run_dir = strdup(run_dir))) {
                free(w);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        w->fd = -EBADF;
        w->cb = cb;
        w->userdata = userdata;
        w->poll.data = w->later.data = w;
        uv_timer_init(loop, &w->later);
        w->open_handles = 1;

        static const char request[] = "{\"op\":\"wait\"}\n";
        w->fd = ctrd_shim_connect(run_dir, NULL);
        if (w->fd >= 0 && send(w->fd, request, sizeof(request) - 1, MSG_NOSIGNAL) < 0)
                w->fd = safe_close(w->fd);
        if (w->fd >= 0 && uv_poll_init(loop, &w->poll, w->fd) == 0) {
                w->polling = true;
                w->open_handles++;
                uv_poll_start(&w->poll, UV_READABLE | UV_DISCONNECT, on_readable);
        } else {
                /* No shim to ask: the exit file answers, on the next loop turn. */
                uv_timer_start(&w->later, on_later, 0, 0);
        }
        *ret = w;
        return 0;
}

void shim_watch_cancel(struct shim_watch *w) {
        if (!w)
                return;
        w->cb = NULL;
        if (w->polling)
                uv_poll_stop(&w->poll);
        uv_timer_stop(&w->later);
        watch_close(w);
}
