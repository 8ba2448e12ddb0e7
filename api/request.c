/*
 * A request's life on the loop thread:
 *
 *   RECEIVING --(body done)--> dispatch: route, version check, handler
 *   handler replied ........-> response queued (done)
 *   handler went async .....-> SUSPENDED (socket watched for the client leaving)
 *   SUSPENDED --(api_reply_* / api_stream_begin)--> resumed, MHD re-enters
 *                dispatch, which queues the pending response
 *   SUSPENDED --(client left)--> cancel callback, resumed, connection closed
 *
 * MHD frees nothing of ours; the completion callback calls api_request_free().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "log.h"
#include "server-internal.h"
#include <strings.h>

struct ctrd_engine *api_request_engine(struct api_request *req) {
        return req->server->engine;
}

const char *api_request_method(struct api_request *req) {
        return req->method;
}

const char *api_request_param(struct api_request *req, const char *name) {
        return api_match_param(&req->match, name);
}

const char *api_request_query(struct api_request *req, const char *name) {
        return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *api_request_header(struct api_request *req, const char *name) {
        return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

struct api_version api_request_version(struct api_request *req) {
        if (req->versioned)
                return req->version;
        return (struct api_version) { API_VERSION_MAJOR, API_VERSION_MINOR };
}

void api_request_set_userdata(struct api_request *req, void *data, void (*free_fn)(void *)) {
        if (req->userdata_free)
                req->userdata_free(req->userdata);
        req->userdata = data;
        req->userdata_free = free_fn;
}

void *api_request_get_userdata(struct api_request *req) {
        return req->userdata;
}

void api_request_on_cancel(struct api_request *req, api_cancel_fn cancel, void *userdata) {
        req->cancel = cancel;
        req->cancel_data = userdata;
}

/* "application/json", optionally followed by parameters such as "; charset=utf-8". */
static bool is_json_content_type(const char *ct) {
        size_t n = strlen("application/json");
        return ct && strncasecmp(ct, "application/json", n) == 0 &&
               (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

int api_request_json(struct api_request *req, json_t **ret) {
        *ret = NULL;
        if (!req->body || req->body_len == 0)
                return 0;
        const char *ct = api_request_header(req, "Content-Type");
        if (!is_json_content_type(ct)) {
                api_reply_error(req, 400, "Content-Type specified (%s) must be 'application/json'",
                                ct ? ct : "");
                return -EINVAL;
        }
        json_error_t jerr;
        json_t *j = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
        if (!j) {
                api_reply_error(req, 400, "invalid JSON at line %d, column %d: %s",
                                jerr.line, jerr.column, jerr.text);
                return -EINVAL;
        }
        if (!json_is_object(j)) {
                json_decref(j);
                api_reply_error(req, 400, "the request body must be a JSON object");
                return -EINVAL;
        }
        *ret = j;
        return 0;
}

/*
 * Only UV_DISCONNECT is watched: readable data while suspended would be a
 * pipelined request, and level-triggered readability would spin. A peer that
 * shuts down its write side is treated as gone; HTTP clients do not do that
 * before reading their answer.
 */
static void on_hup(uv_poll_t *handle, int status, int events) {
        struct api_request *req = container_of(handle, struct api_request, hup);
        log_debug("client went away while its request was suspended");
        req->gone = true;
        if (req->cancel) {
                api_cancel_fn cancel = req->cancel;
                req->cancel = NULL;
                cancel(req, req->cancel_data);
        }
        if (req->stream)
                api_stream_client_gone(req);
        else
                api_request_resume(req);
}

static void on_hup_closed(uv_handle_t *h) {
        struct api_request *req = container_of((uv_poll_t *) h, struct api_request, hup);
        req->server->open_handles--;
        free(req);
}

static void hup_stop(struct api_request *req) {
        if (!req->hup_active)
                return;
        /* MHD reuses (and later closes) the fd: libuv must let go of it first. */
        uv_poll_stop(&req->hup);
        req->hup_active = false;
}

void api_request_suspend(struct api_request *req) {
        if (req->suspended)
                return;
        MHD_suspend_connection(req->conn);
        req->suspended = true;

        const union MHD_ConnectionInfo *ci =
                MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (!ci)
                return;
        if (!req->hup.loop) {
                if (uv_poll_init(req->server->loop, &req->hup, ci->connect_fd) < 0)
                        return;
                req->server->open_handles++;
        }
        if (uv_poll_start(&req->hup, UV_DISCONNECT, on_hup) == 0)
                req->hup_active = true;
}

void api_request_resume(struct api_request *req) {
        if (!req->suspended)
                return;
        hup_stop(req);
        req->suspended = false;
        MHD_resume_connection(req->conn);
        /* Without an ITC, MHD notices a resume only when it runs next. */
        api_server_kick(req->server);
}

void api_request_set_response(struct api_request *req, unsigned status, struct MHD_Response *r) {
        if (req->response) {
                log_warning("request answered twice, keeping the first answer");
                MHD_destroy_response(r);
                return;
        }
        if (!r) {
                log_error("out of memory creating a response");
                return;
        }
        req->response = r;
        req->status = status;
        if (!req->in_handler)
                api_request_resume(req);
}

static enum MHD_Result queue_pending(struct api_request *req) {
        enum MHD_Result ok = MHD_queue_response(req->conn, req->status, req->response);
        MHD_destroy_response(req->response);
        req->response = NULL;
        return ok;
}

static void check_version_and_route(struct api_request *req) {
        if (req->server->shutting_down) {
                api_reply_error(req, 503, "ctrd is shutting down");
                return;
        }
        if (req->versioned) {
                struct api_version v = req->version;
                if (v.major > API_VERSION_MAJOR ||
                    (v.major == API_VERSION_MAJOR && v.minor > API_VERSION_MINOR)) {
                        api_reply_error(req, 400, "client version %u.%u is too new. Maximum "
                                        "supported API version is " API_VERSION_STRING,
                                        v.major, v.minor);
                        return;
                }
                if (v.major < API_VERSION_MAJOR ||
                    (v.major == API_VERSION_MAJOR && v.minor < API_MIN_VERSION_MINOR)) {
                        api_reply_error(req, 400, "client version %u.%u is too old. Minimum "
                                        "supported API version is " API_MIN_VERSION_STRING
                                        ", please upgrade your client to a newer version",
                                        v.major, v.minor);
                        return;
                }
        }
        if (!req->routed) {
                api_reply_error(req, 404, "page not found");
                return;
        }
        if (req->body_too_large) {
                api_reply_error(req, 413, "request body is larger than %d bytes", API_JSON_BODY_MAX);
                return;
        }
        if (req->upload_error < 0) {
                api_reply_errno(req, req->upload_error, NULL);
                return;
        }
        req->match.route->handler(req);
}

enum MHD_Result api_request_dispatch(struct api_request *req) {
        if (req->gone)
                return MHD_NO;  /* MHD closes the connection and completes the request */
        if (!req->handler_ran) {
                req->handler_ran = true;
                req->in_handler = true;
                check_version_and_route(req);
                req->in_handler = false;
        }
        if (req->response)
                return queue_pending(req);
        struct MHD_Response *sr = api_stream_response(req);
        if (sr) {
                enum MHD_Result ok = MHD_queue_response(req->conn, req->status, sr);
                MHD_destroy_response(sr);  /* MHD keeps its own reference */
                return ok;
        }
        api_request_suspend(req);
        return MHD_YES;
}

void api_request_free(struct api_request *req) {
        if (req->cancel) {
                api_cancel_fn cancel = req->cancel;
                req->cancel = NULL;
                cancel(req, req->cancel_data);
        }
        hup_stop(req);
        api_stream_detach(req);
        if (req->response)
                MHD_destroy_response(req->response);
        if (req->userdata_free)
                req->userdata_free(req->userdata);
        api_match_clear(&req->match);
        free(req->body);
        struct api_server *s = req->server;
        if (req->prev)
                req->prev->next = req->next;
        else
                s->requests = req->next;
        if (req->next)
                req->next->prev = req->prev;
        /* The hup handle (if ever initialised) is freed in its close callback. */
        if (req->hup.loop) {
                uv_close((uv_handle_t *) &req->hup, on_hup_closed);
                return;
        }
        free(req);
}
