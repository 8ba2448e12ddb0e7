/*
 * libmicrohttpd inside the libuv loop (docker-api.md section 6): MHD runs in
 * external-epoll mode with no threads of its own. Its epoll fd is polled by
 * a uv_poll_t, its timeouts by a uv_timer_t, and every MHD_run() happens from
 * those two callbacks, never from inside an MHD callback. Anything that gives
 * MHD work from outside (a resume, an upgrade close) schedules a run with
 * api_server_kick().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "routes.h"
#include "server-internal.h"

static void on_mhd_timer(uv_timer_t *t);

static void mhd_run(struct api_server *s) {
        MHD_run(s->mhd);
        /* MHD keeps connections with buffered work on a ready list and then asks
         * for a 0 ms timeout: honour it or they stall. */
        MHD_UNSIGNED_LONG_LONG ms;
        if (MHD_get_timeout(s->mhd, &ms) == MHD_YES)
                uv_timer_start(&s->mhd_timer, on_mhd_timer, ms, 0);
        else
                uv_timer_stop(&s->mhd_timer);
}

static void on_mhd_timer(uv_timer_t *t) {
        mhd_run(container_of(t, struct api_server, mhd_timer));
}

static void on_mhd_poll(uv_poll_t *p, int status, int events) {
        mhd_run(container_of(p, struct api_server, mhd_poll));
}

void api_server_kick(struct api_server *s) {
        if (s->mhd)
                uv_timer_start(&s->mhd_timer, on_mhd_timer, 0, 0);
}

static struct api_request *request_new(struct api_server *s, struct MHD_Connection *conn,
                                       const char *method, const char *url) {
        struct api_request *req = calloc(1, sizeof(*req));
        if (!req)
                return NULL;
        req->server = s;
        req->conn = conn;
        req->method = method;
        req->versioned = api_split_version(url, &req->version, &req->path);
        switch (api_route_match(api_routes, api_routes_count, method, req->path, &req->match)) {
        case API_MATCH_FOUND:
                req->routed = true;
                break;
        case API_MATCH_NO_ROUTE:
                break;
        case API_MATCH_OUT_OF_MEMORY:
                free(req);
                return NULL;
        }
        req->next = s->requests;
        if (s->requests)
                s->requests->prev = req;
        s->requests = req;
        return req;
}

/* Buffers a JSON body up to the cap; past it, the rest is read and dropped, then 413. */
static void take_body(struct api_request *req, const char *data, size_t len) {
        if (req->routed && req->match.route->upload) {
                if (req->upload_error == 0)
                        req->upload_error = req->match.route->upload(req, data, len);
                return;
        }
        if (req->body_too_large || req->body_len + len > API_JSON_BODY_MAX) {
                req->body_too_large = true;
                return;
        }
        char *n = realloc(req->body, req->body_len + len + 1);
        if (!n) {
                req->upload_error = -ENOMEM;
                return;
        }
        memcpy(n + req->body_len, data, len);
        req->body = n;
        req->body_len += len;
        req->body[req->body_len] = '\0';
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version,
                                 const char *upload_data, size_t *upload_data_size,
                                 void **con_cls) {
        struct api_server *s = cls;
        struct api_request *req = *con_cls;
        if (!req) {
                req = request_new(s, conn, method, url);
                if (!req)
                        return MHD_NO;
                *con_cls = req;
                return MHD_YES;
        }
        if (*upload_data_size > 0) {
                take_body(req, upload_data, *upload_data_size);
                *upload_data_size = 0;
                return MHD_YES;
        }
        return api_request_dispatch(req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
        struct api_request *req = *con_cls;
        if (!req)
                return;
        *con_cls = NULL;
        api_request_free(req);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap) {
        char line[512];
        vsnprintf(line, sizeof(line), fmt, ap);
        line[strcspn(line, "\n")] = '\0';
        log_debug("libmicrohttpd: %s", line);
}

int api_server_start(uv_loop_t *loop, struct ctrd_engine *engine,
                     const struct api_server_config *cfg, struct api_server **ret,
                     struct ctrd_error *err) {
        _cleanup_free_ struct api_server *s = calloc(1, sizeof(*s));
        if (!s)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        s->loop = loop;
        s->engine = engine;

        unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_ALLOW_UPGRADE |
                         MHD_USE_ERROR_LOG;
        s->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_access, s,
                                  MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s,
                                  MHD_OPTION_LISTEN_SOCKET, (MHD_socket) cfg->listen_fd,
                                  MHD_OPTION_CONNECTION_TIMEOUT, cfg->idle_timeout_s,
                                  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) 128 * 1024,
                                  MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                                  MHD_OPTION_END);
        if (!s->mhd)
                return ctrd_error_set(err, EIO, "starting libmicrohttpd on the API socket failed");

        const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_EPOLL_FD);
        int r = di ? uv_poll_init(loop, &s->mhd_poll, di->epoll_fd) : UV_EINVAL;
        if (r < 0) {
                MHD_stop_daemon(s->mhd);
                return ctrd_error_set(err, -r, "polling libmicrohttpd's epoll fd: %s", uv_strerror(r));
        }
        uv_timer_init(loop, &s->mhd_timer);
        uv_timer_init(loop, &s->drain_timer);
        s->open_handles = 3;
        uv_poll_start(&s->mhd_poll, UV_READABLE, on_mhd_poll);
        api_server_kick(s);
        *ret = TAKE_PTR(s);
        return 0;
}

static void on_handle_closed(uv_handle_t *h) {
        struct api_server *s = h->data;
        if (--s->open_handles > 0)
                return;
        if (s->on_closed)
                s->on_closed(s, s->on_closed_data);
        free(s);
}

static void server_close(struct api_server *s) {
        MHD_stop_daemon(s->mhd);
        s->mhd = NULL;
        s->mhd_poll.data = s->mhd_timer.data = s->drain_timer.data = s;
        uv_close((uv_handle_t *) &s->mhd_poll, on_handle_closed);
        uv_close((uv_handle_t *) &s->mhd_timer, on_handle_closed);
        uv_close((uv_handle_t *) &s->drain_timer, on_handle_closed);
}

static unsigned connection_count(struct api_server *s) {
        const union MHD_DaemonInfo *di =
                MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
        return di ? di->num_connections : 0;
}

/* Polls until every connection is gone or the deadline passes. */
static void on_drain_tick(uv_timer_t *t) {
        struct api_server *s = container_of(t, struct api_server, drain_timer);
        /* Idle keep-alive connections hold no request; MHD_stop_daemon closes them. */
        if (!s->requests || connection_count(s) == 0 || uv_now(s->loop) >= s->drain_deadline) {
                uv_timer_stop(t);
                server_close(s);
        }
}

void api_server_shutdown(struct api_server *s, unsigned grace_ms,
                         api_server_closed_fn done, void *userdata) {
        s->on_closed = done;
        s->on_closed_data = userdata;
        s->shutting_down = true;

        /* Stop accepting; MHD hands the listen socket back and we close it. */
        MHD_socket lfd = MHD_quiesce_daemon(s->mhd);
        if (lfd != MHD_INVALID_SOCKET)
                close(lfd);

        /* MHD must not be stopped with suspended connections: answer them all. */
        for (struct api_request *req = s->requests; req; req = req->next) {
                if (!req->suspended || req->response)
                        continue;
                if (req->cancel) {
                        api_cancel_fn cancel = req->cancel;
                        req->cancel = NULL;
                        cancel(req, req->cancel_data);
                }
                if (req->stream)
                        api_stream_end(req);
                else
                        api_reply_error(req, 503, "ctrd is shutting down");
        }
        api_server_kick(s);
        s->drain_deadline = uv_now(s->loop) + grace_ms;
        uv_timer_start(&s->drain_timer, on_drain_tick, 10, 10);
}
