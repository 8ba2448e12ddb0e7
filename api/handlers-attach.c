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

struct attach_ctx {
        struct ctrd_engine *engine;
        char id[65];
        bool in, out, err;
};

static void on_hijacked(struct api_hijack *h, int fd, size_t extra_len, void *userdata) {
        struct attach_ctx *a = userdata;
        struct ctr *c = NULL;
        struct ctrd_error err = { 0 };
        if (extra_len > 0)
                log_warning("attach to %s: %zu bytes of stdin sent before the switch were dropped",
                            a->id, extra_len);
        int r = fd < 0 ? -EBADF : ctr_lookup(a->engine, a->id, &c, &err);
        if (r >= 0)
                r = ctr_attach(c, fd, a->in, a->out, a->err, &err);     /* takes the fd */
        else
                safe_close(fd);
        if (r < 0 && fd >= 0)
                log_warning("attach to %s: %s", a->id, err.msg);
        api_hijack_release(h);
        free(a);
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
        bool tty = json_is_true(json_object_get(ctr_config(c), "Tty"));
        /*
         * docker run starts the container as soon as it has the 101: a created
         * container must hold the client before that start, so it joins at once
         * (its first output comes after the shim's start-up anyway).
         */
        unsigned delay = strcmp(c->rec.state, "created") == 0 ? 0 : API_HIJACK_FIRST_WRITE_DELAY_MS;
        if (api_reply_upgrade(req, tty ? "application/vnd.docker.raw-stream"
                                       : "application/vnd.docker.multiplexed-stream",
                              delay, on_hijacked, a) < 0) {
                free(a);
                api_reply_error(req, 500, "out of memory");
        }
}

int api_terminal_size(struct api_request *req, unsigned *rows, unsigned *cols) {
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
        if (api_terminal_size(req, &rows, &cols) < 0)
                return;
        r = ctr_resize(c, rows, cols, &err);
        if (r < 0) {
                api_reply_errno(req, r, &err);
                return;
        }
        api_reply_text(req, 200, "text/plain; charset=utf-8", "", 0);
}
