/*
 * POST /containers/{id}/attach (hijacked) and POST /containers/{id}/resize.
 * The client socket goes to the container's shim; ctrd relays no bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "daemon/containers.h"
#include "daemon/engine.h"
#include "handlers.h"
#include "hijack.h"
#include "log.h"
#include "string-util.h"

/*
 * docker-py reads the stream from the raw socket behind its buffered HTTP
 * reader and loses bytes that arrive together with the 101 (docker-api.md 0.4):
 * the shim gets the socket a few milliseconds after the switch.
 */
#define FIRST_WRITE_DELAY_MS 5

struct attach_ctx {
        struct ctrd_engine *engine;
        char id[65];
        bool in, out, err;
        int fd;
        struct api_hijack *h;
        uv_timer_t delay;
};

static void on_delay_closed(uv_handle_t *t) {
        free(t->data);
}

static void on_delay(uv_timer_t *t) {
        struct attach_ctx *a = t->data;
        struct ctr *c = NULL;
        struct ctrd_error err = { 0 };
        int r = ctr_lookup(a->engine, a->id, &c, &err);
        if (r >= 0)
                r = ctr_attach(c, a->fd, a->in, a->out, a->err, &err);     /* takes the fd */
        else
                safe_close(a->fd);
        if (r < 0)
                log_warning("attach to %s: %s", a->id, err.msg);
        api_hijack_release(a->h);
        uv_close((uv_handle_t *) &a->delay, on_delay_closed);
}

static void on_hijacked(struct api_hijack *h, int fd, const char *extra, size_t extra_len,
                        void *userdata) {
        struct attach_ctx *a = userdata;
        a->h = h;
        a->fd = fd;
        if (extra_len > 0)
                log_warning("attach to %s: %zu bytes of stdin sent before the switch were dropped",
                            a->id, extra_len);
        if (fd < 0) {
                api_hijack_release(h);
                uv_close((uv_handle_t *) &a->delay, on_delay_closed);
                return;
        }
        /*
         * docker run starts the container as soon as it has the 101: a created
         * container must hold the client before that start, so it joins now
         * (the container's first output comes after the shim's start-up anyway).
         */
        struct ctr *c = NULL;
        if (ctr_lookup(a->engine, a->id, &c, NULL) == 0 && strcmp(c->rec.state, "created") == 0) {
                on_delay(&a->delay);
                return;
        }
        uv_timer_start(&a->delay, on_delay, FIRST_WRITE_DELAY_MS, 0);
}

void api_handle_container_attach(struct api_request *req) {
        struct ctrd_engine *e = api_request_engine(req);
        struct ctr *c = NULL;
        struct ctrd_error err = { 0 };
        int r = ctr_lookup(e, api_request_param(req, "id"), &c, &err);
        if (r < 0) {
                api_reply_errno(req, r, &err);
                return;
        }
        if (strcmp(c->rec.state, "paused") == 0) {
                api_reply_error(req, 409, "You cannot attach to a paused container, unpause it first");
                return;
        }
        if (!ctr_is_running(c) && strcmp(c->rec.state, "created") != 0) {
                api_reply_error(req, 409, "You cannot attach to a stopped container, start it first");
                return;
        }
        if (!api_request_wants_upgrade(req)) {
                api_reply_error(req, 400, "attach needs a connection upgrade (Upgrade: tcp)");
                return;
        }
        struct attach_ctx *a = calloc(1, sizeof(*a));
        if (!a) {
                api_reply_error(req, 500, "out of memory");
                return;
        }
        a->engine = e;
        snprintf(a->id, sizeof(a->id), "%s", c->rec.id);
        a->in = ctrd_parse_query_bool(api_request_query(req, "stdin"));
        a->out = ctrd_parse_query_bool(api_request_query(req, "stdout"));
        a->err = ctrd_parse_query_bool(api_request_query(req, "stderr"));
        a->fd = -EBADF;
        a->delay.data = a;
        uv_timer_init(e->loop, &a->delay);
        bool tty = json_is_true(json_object_get(c->config, "Tty"));
        if (api_reply_upgrade(req, tty ? "application/vnd.docker.raw-stream"
                                       : "application/vnd.docker.multiplexed-stream",
                              on_hijacked, a) < 0) {
                uv_close((uv_handle_t *) &a->delay, on_delay_closed);
                api_reply_error(req, 500, "out of memory");
        }
}

/* h and w as the CLI sends them; 400 when missing or not numbers. */
static int terminal_size(struct api_request *req, unsigned *rows, unsigned *cols) {
        int64_t h, w;
        const char *hs = api_request_query(req, "h"), *ws = api_request_query(req, "w");
        if (ctrd_parse_int64(hs, 0, 65535, &h) < 0 || ctrd_parse_int64(ws, 0, 65535, &w) < 0) {
                api_reply_error(req, 400, "invalid terminal size: h=%s w=%s", hs ? hs : "", ws ? ws : "");
                return -EINVAL;
        }
        *rows = (unsigned) h;
        *cols = (unsigned) w;
        return 0;
}

void api_handle_container_resize(struct api_request *req) {
        struct ctr *c = NULL;
        struct ctrd_error err = { 0 };
        unsigned rows, cols;
        int r = ctr_lookup(api_request_engine(req), api_request_param(req, "id"), &c, &err);
        if (r < 0) {
                api_reply_errno(req, r, &err);
                return;
        }
        if (terminal_size(req, &rows, &cols) < 0)
                return;
        r = ctr_resize(c, rows, cols, &err);
        if (r < 0) {
                api_reply_errno(req, r, &err);
                return;
        }
        api_reply_text(req, 200, "text/plain; charset=utf-8", "", 0);
}
