/* Rendering answers the way dockerd does: headers, JSON bodies, error objects. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "error.h"
#include "server-internal.h"

#define SERVER_HEADER "Docker/ctrd-" PACKAGE_VERSION " (linux)"

void api_add_common_headers(struct MHD_Response *r) {
        /* The docker CLI reads the daemon OS from Server with ^Docker/.+\s\((.+)\)$. */
        MHD_add_response_header(r, "Api-Version", API_VERSION_STRING);
        MHD_add_response_header(r, "Docker-Experimental", "false");
        MHD_add_response_header(r, "Ostype", "linux");
        MHD_add_response_header(r, "Server", SERVER_HEADER);
}

static struct MHD_Response *buffer_response(const char *content_type, const void *body, size_t len) {
        struct MHD_Response *r =
                MHD_create_response_from_buffer(len, (void *) body, MHD_RESPMEM_MUST_COPY);
        if (!r)
                return NULL;
        api_add_common_headers(r);
        if (content_type)
                MHD_add_response_header(r, "Content-Type", content_type);
        return r;
}

void api_reply_text(struct api_request *req, unsigned status, const char *content_type,
                    const char *body, size_t len) {
        api_request_set_response(req, status, buffer_response(content_type, body, len));
}

void api_reply_empty(struct api_request *req, unsigned status) {
        api_request_set_response(req, status, buffer_response(NULL, "", 0));
}

void api_reply_json(struct api_request *req, unsigned status, json_t *body) {
        /* dockerd's encoder ends every JSON body with a newline. */
        _cleanup_free_ char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
        json_decref(body);
        if (!text) {
                api_reply_error(req, 500, "out of memory rendering the response");
                return;
        }
        size_t n = strlen(text);
        char *withnl = realloc(text, n + 2);
        if (!withnl) {
                api_reply_error(req, 500, "out of memory rendering the response");
                return;
        }
        text = withnl;
        memcpy(text + n, "\n", 2);
        api_reply_text(req, status, "application/json", text, n + 1);
}

void api_reply_error(struct api_request *req, unsigned status, const char *fmt, ...) {
        char msg[CTRD_ERROR_MSG_MAX];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);

        json_t *o = json_pack("{s:s}", "message", msg);
        _cleanup_free_ char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        if (!text) {
                /* No memory for JSON: still answer with the right status. */
                api_reply_text(req, status, "application/json", "{\"message\":\"out of memory\"}\n", 28);
                return;
        }
        size_t n = strlen(text);
        _cleanup_free_ char *line = malloc(n + 2);
        if (!line) {
                api_reply_text(req, status, "application/json", text, n);
                return;
        }
        memcpy(line, text, n);
        memcpy(line + n, "\n", 2);
        api_reply_text(req, status, "application/json", line, n + 1);
}

unsigned api_status_from_errno(int r) {
        switch (r < 0 ? -r : r) {
        case ENOENT:
        case ENXIO:
                return 404;
        case EEXIST:
        case EBUSY:
        case ENOTEMPTY:
                return 409;
        case EINVAL:
        case ERANGE:
        case E2BIG:
        case ENAMETOOLONG:
                return 400;
        case EPERM:
        case EACCES:
                return 403;
        case EFBIG:
        case EMSGSIZE:
                return 413;
        case ENOSYS:
        case EOPNOTSUPP:
                return 501;
        default:
                return 500;
        }
}

void api_reply_errno(struct api_request *req, int r, const struct ctrd_error *err) {
        const char *msg = err && err->msg[0] ? err->msg : strerror(r < 0 ? -r : r);
        api_reply_error(req, api_status_from_errno(r), "%s", msg);
}

void api_reply_header(struct api_request *req, const char *name, const char *value) {
        if (req->response)
                MHD_add_response_header(req->response, name, value);
}
