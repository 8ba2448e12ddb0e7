/*
 * Chunked streaming responses. The stream buffers what the engine writes;
 * MHD pulls it through stream_read(). When the buffer is empty the reader
 * suspends the connection (returning 0 without suspending would make MHD
 * spin), and the next write or the end resumes it. A stream is shared by the
 * request and MHD's response, and freed when both have let go.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "log.h"
#include "server-internal.h"

/* A client that reads nothing for this long-backlog is cut off rather than grow us. */
#define API_STREAM_BUFFER_MAX (64u * 1024 * 1024)
#define API_STREAM_BLOCK (32 * 1024)

struct api_stream {
        int refs;
        struct api_request *req;        /* NULL once the request is freed */
        struct MHD_Response *response;  /* ours until queued */
        char *buf;
        size_t len, off, cap;
        bool ended, gone, waiting;
};

static void stream_unref(struct api_stream *st) {
        if (--st->refs > 0)
                return;
        free(st->buf);
        free(st);
}

static void stream_response_freed(void *cls) {
        stream_unref(cls);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max) {
        struct api_stream *st = cls;
        if (st->gone || !st->req)
                return MHD_CONTENT_READER_END_WITH_ERROR;
        if (st->off < st->len) {
                size_t n = st->len - st->off;
                if (n > max)
                        n = max;
                memcpy(out, st->buf + st->off, n);
                st->off += n;
                if (st->off == st->len)
                        st->off = st->len = 0;
                return (ssize_t) n;
        }
        if (st->ended)
                return MHD_CONTENT_READER_END_OF_STREAM;
        st->waiting = true;
        api_request_suspend(st->req);
        return 0;
}

static void stream_wake(struct api_stream *st) {
        if (!st->waiting || !st->req)
                return;
        st->waiting = false;
        api_request_resume(st->req);
}

int api_stream_begin(struct api_request *req, unsigned status, const char *content_type) {
        if (req->stream || req->response)
                return -EALREADY;
        struct api_stream *st = calloc(1, sizeof(*st));
        if (!st)
                return -ENOMEM;
        st->response = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, API_STREAM_BLOCK,
                                                         stream_read, st, stream_response_freed);
        if (!st->response) {
                free(st);
                return -ENOMEM;
        }
        st->refs = 2;   /* the request and the response */
        st->req = req;
        api_add_common_headers(st->response);
        if (content_type)
                MHD_add_response_header(st->response, "Content-Type", content_type);
        req->stream = st;
        req->status = status;
        if (!req->in_handler)
                api_request_resume(req);
        return 0;
}

struct MHD_Response *api_stream_response(struct api_request *req) {
        struct api_stream *st = req->stream;
        if (!st || !st->response)
                return NULL;
        return TAKE_PTR(st->response);
}

int api_stream_write(struct api_request *req, const void *data, size_t len) {
        struct api_stream *st = req->stream;
        if (!st || st->ended)
                return -EPIPE;
        if (st->gone)
                return -ECONNRESET;
        if (st->off > 0 && st->len + len > st->cap) {
                /* Reuse the space the client already took before growing. */
                memmove(st->buf, st->buf + st->off, st->len - st->off);
                st->len -= st->off;
                st->off = 0;
        }
        if (st->len + len > API_STREAM_BUFFER_MAX)
                return -ENOBUFS;
        if (st->len + len > st->cap) {
                size_t cap = st->cap ? st->cap : 4096;
                while (cap < st->len + len)
                        cap *= 2;
                char *n = realloc(st->buf, cap);
                if (!n)
                        return -ENOMEM;
                st->buf = n;
                st->cap = cap;
        }
        memcpy(st->buf + st->len, data, len);
        st->len += len;
        stream_wake(st);
        return 0;
}

int api_stream_write_json(struct api_request *req, json_t *body) {
        _cleanup_free_ char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
        json_decref(body);
        if (!text)
                return -ENOMEM;
        int r = api_stream_write(req, text, strlen(text));
        if (r < 0)
                return r;
        return api_stream_write(req, "\n", 1);
}

void api_stream_end(struct api_request *req) {
        struct api_stream *st = req->stream;
        if (!st || st->ended)
                return;
        st->ended = true;
        stream_wake(st);
}

void api_stream_client_gone(struct api_request *req) {
        struct api_stream *st = req->stream;
        if (!st)
                return;
        st->gone = true;
        stream_wake(st);
}

void api_stream_detach(struct api_request *req) {
        struct api_stream *st = TAKE_PTR(req->stream);
        if (!st)
                return;
        st->req = NULL;
        if (st->response) {
                /* Never queued: destroying it runs stream_response_freed. */
                MHD_destroy_response(TAKE_PTR(st->response));
        }
        stream_unref(st);
}

size_t api_stream_buffered(struct api_request *req) {
        struct api_stream *st = req->stream;
        return st ? st->len - st->off : 0;
}
