/*
 * POST /images/create?fromImage= (a pull), POST /images/{name}/push and
 * POST /auth and GET /distribution/{name}/json, answered as Docker answers them.
 * The status line waits for the first progress message, so a reference the
 * registry does not know still gets a plain 404 (as from dockerd); after
 * that the answer is a 200 stream of progress objects and a failure travels
 * in it as {"errorDetail": ..., "error": ...}.
 */
#include "handlers-images-pull.h"

#include <errno.h>
#include <stdlib.h>

#include "daemon/engine.h"
#include "daemon/image-pull.h"
#include "daemon/image-push.h"
#include "daemon/registry-auth.h"
#include "daemon/registry-distribution.h"
#include "daemon/registry-login.h"

struct pull_request {
        struct api_request *req;        /* NULL once the client left */
        bool streaming;
};

static void pull_cancel(struct api_request *req, void *userdata) {
        struct pull_request *p = userdata;
        p->req = NULL;
}

/* After a job's start: on success the request waits for it, on failure p goes and the error is the answer. */
static void job_wait(struct api_request *req, struct pull_request *p, int r,
                     const struct ctrd_error *err) {
        if (r < 0) {
                free(p);
                api_reply_errno(req, r, err);
                return;
        }
        p->req = req;
        api_request_on_cancel(req, pull_cancel, p);
}

/* When the job calls back: the request to answer (NULL if the client left); p is freed. */
static struct api_request *job_finish(struct pull_request *p) {
        struct api_request *req = p->req;
        free(p);
        if (req)
                api_request_on_cancel(req, NULL, NULL);
        return req;
}

/* A registry's refusal of the credentials is Docker's 401. */
static void reply_registry_error(struct api_request *req, int r, const struct ctrd_error *err) {
        if (r == -EACCES)
                api_reply_error(req, 401, "%s", err->msg);
        else
                api_reply_errno(req, r, err);
}

static void pull_progress(json_t *msg, void *userdata) {
        struct pull_request *p = userdata;
        if (!p->req)
                return;
        if (!p->streaming) {
                if (api_stream_begin(p->req, 200, "application/json") < 0)
                        return;
                p->streaming = true;
        }
        api_stream_write_json(p->req, json_incref(msg));
}

static void pull_done(int r, const struct ctrd_error *err, void *userdata) {
        struct pull_request *p = userdata;
        bool streaming = p->streaming;
        struct api_request *req = job_finish(p);
        if (!req)
                return;
        if (!streaming) {
                if (r < 0)
                        api_reply_errno(req, r, err);
                else
                        api_reply_empty(req, 200);
                return;
        }
        if (r < 0)
                api_stream_write_json(req, json_pack("{s:{s:s}, s:s}", "errorDetail", "message",
                                                     err->msg, "error", err->msg));
        api_stream_end(req);
}

/* Starts a pull or a push of req with the X-Registry-Auth credentials; progress streams to the client. */
typedef int (*transfer_start_fn)(struct api_request *req, const struct registry_creds *creds,
                                 struct pull_request *p, struct ctrd_error *err);

static void handle_transfer(struct api_request *req, transfer_start_fn start) {
        struct ctrd_error err = { 0 };
        struct registry_creds creds = { 0 };
        int r = registry_creds_from_header(api_request_header(req, "X-Registry-Auth"), &creds, &err);
        if (r < 0) {
                api_reply_errno(req, r, &err);
                return;
        }
        struct pull_request *p = calloc(1, sizeof(*p));
        r = p ? start(req, &creds, p, &err) : ctrd_error_set(&err, ENOMEM, "out of memory");
        registry_creds_clear(&creds);
        job_wait(req, p, r, &err);
}

static int start_pull(struct api_request *req, const struct registry_creds *creds,
                      struct pull_request *p, struct ctrd_error *err) {
        struct ctrd_engine *e = api_request_engine(req);
        struct image_pull_request rq = {
                .image = api_request_query(req, "fromImage"),
                .tag = api_request_query(req, "tag"),
                .platform = api_request_query(req, "platform"),
                .creds = creds,
                .opts = &e->registry,
        };
        return image_pull_start(e->images, &rq, pull_progress, pull_done, p, err);
}

static int start_push(struct api_request *req, const struct registry_creds *creds,
                      struct pull_request *p, struct ctrd_error *err) {
        struct ctrd_engine *e = api_request_engine(req);
        struct image_push_request rq = {
                .name = api_request_param(req, "name"),
                .tag = api_request_query(req, "tag"),
                .creds = creds,
                .opts = &e->registry,
        };
        return image_push_start(e->images, &rq, pull_progress, pull_done, p, err);
}

void api_handle_images_pull(struct api_request *req) {
        handle_transfer(req, start_pull);
}

static void login_done(int r, const struct ctrd_error *err, void *userdata) {
        struct api_request *req = job_finish(userdata);
        if (req && r < 0)
                reply_registry_error(req, r, err);
        else if (req)
                api_reply_json(req, 200, json_pack("{s:s, s:s}", "Status", "Login Succeeded",
                                                   "IdentityToken", ""));
}

void api_handle_auth(struct api_request *req) {
        struct ctrd_error err = { 0 };
        struct registry_creds creds = { 0 };
        json_auto_t *body = NULL;
        if (api_request_json(req, &body) < 0)
                return;
        const char *server = json_string_value(json_object_get(body, "serveraddress"));
        struct pull_request *p = calloc(1, sizeof(*p));
        int r = p ? registry_creds_from_json(body, &creds, &err)
                  : ctrd_error_set(&err, ENOMEM, "out of memory");
        if (r >= 0)
                r = registry_login_start(api_request_engine(req)->images, &api_request_engine(req)->registry,
                                         server, &creds, login_done, p, &err);
        registry_creds_clear(&creds);
        job_wait(req, p, r, &err);
}

void api_handle_image_push(struct api_request *req) {
        handle_transfer(req, start_push);
}

static void distribution_done(int r, const struct ctrd_error *err, json_t *result, void *userdata) {
        struct api_request *req = job_finish(userdata);
        if (req && r < 0)
                reply_registry_error(req, r, err);
        else if (req)
                api_reply_json(req, 200, json_incref(result));
}

void api_handle_distribution(struct api_request *req) {
        struct ctrd_error err = { 0 };
        struct registry_creds creds = { 0 };
        struct ctrd_engine *e = api_request_engine(req);
        struct pull_request *p = calloc(1, sizeof(*p));
        int r = p ? registry_creds_from_header(api_request_header(req, "X-Registry-Auth"), &creds, &err)
                  : ctrd_error_set(&err, ENOMEM, "out of memory");
        if (r >= 0)
                r = registry_distribution_start(e->images, &e->registry, api_request_param(req, "name"),
                                                &creds, distribution_done, p, &err);
        registry_creds_clear(&creds);
        job_wait(req, p, r, &err);
}
