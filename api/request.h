/*
 * What a request handler sees. A handler either replies before it returns
 * (api_reply_*), or starts asynchronous work and returns without replying:
 * the connection is then suspended until that work calls api_reply_* or
 * streams a response (api_stream_*), from the loop thread. If the client
 * goes away first, the cancel callback given to api_request_on_cancel()
 * runs and the request must not be touched afterwards.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "macro.h"
#include "router.h"

struct api_request;
struct ctrd_engine;
struct ctrd_error;

typedef void (*api_cancel_fn)(struct api_request *req, void *userdata);

struct ctrd_engine *api_request_engine(struct api_request *req);
const char *api_request_method(struct api_request *req);
/* The routed path parameter ("id", "name"), or NULL. */
const char *api_request_param(struct api_request *req, const char *name);
/* A query parameter, URL-decoded, or NULL when absent. */
const char *api_request_query(struct api_request *req, const char *name);
const char *api_request_header(struct api_request *req, const char *name);
/* The client's API version: the path prefix, or ours when unversioned. */
struct api_version api_request_version(struct api_request *req);

/*
 * The JSON request body as an object. An empty body yields NULL and 0. On a
 * bad body (not JSON, wrong Content-Type, not an object) it replies 400 and
 * returns -EINVAL: the handler just returns.
 */
int api_request_json(struct api_request *req, json_t **ret);

/* Per-request state for the handler (e.g. an upload's temp file), freed with free_fn. */
void api_request_set_userdata(struct api_request *req, void *data, void (*free_fn)(void *));
void *api_request_get_userdata(struct api_request *req);

/* Registers what to call if the client leaves while the request is suspended. */
void api_request_on_cancel(struct api_request *req, api_cancel_fn cancel, void *userdata);

/* Replies. body is stolen (json_decref'd). Each request is answered once. */
void api_reply_json(struct api_request *req, unsigned status, json_t *body);
void api_reply_empty(struct api_request *req, unsigned status);
void api_reply_text(struct api_request *req, unsigned status, const char *content_type,
                    const char *body, size_t len);
void api_reply_error(struct api_request *req, unsigned status, const char *fmt, ...) _printf_(3, 4);
/* Maps -errno to Docker's status (ENOENT 404, EEXIST/EBUSY 409, EINVAL 400, else 500). */
void api_reply_errno(struct api_request *req, int r, const struct ctrd_error *err);
unsigned api_status_from_errno(int r);

/* Chunked streaming responses (progress lines, logs, events). */
int api_stream_begin(struct api_request *req, unsigned status, const char *content_type);
int api_stream_write(struct api_request *req, const void *data, size_t len);
/* One JSON object + "\n", as Docker's progress and event streams write them. body is stolen. */
int api_stream_write_json(struct api_request *req, json_t *body);
void api_stream_end(struct api_request *req);
/* Bytes written but not yet taken by the client: producers pause above a bound. */
size_t api_stream_buffered(struct api_request *req);

/* Adds a header to the answer just given with api_reply_*. */
void api_reply_header(struct api_request *req, const char *name, const char *value);
