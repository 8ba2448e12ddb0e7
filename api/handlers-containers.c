/*
 * /containers/...: create, list, inspect, start, stop, restart, kill, wait,
 * remove, rename. Operations that wait for the container (start, stop,
 * restart, forced removal, wait) answer asynchronously; the reply object
 * below lets a client that leaves first be forgotten safely.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "daemon/containers.h"
#include "daemon/engine.h"
#include "daemon/signals.h"
#include "handlers.h"
#include "string-util.h"

/* Outlives the request if the client leaves: the callback then finds req == NULL. */
struct pending {
        struct api_request *req;
        struct ctrd_engine *engine;
        char id[65];
        int timeout;                    /* restart */
};

static void pending_cancel(struct api_request *req, void *userdata) {
        struct pending *p = userdata;
        p->req = NULL;
}

/* NULL (after answering 500) when out of memory. */
static struct pending *pending_new(struct api_request *req, struct ctr *c) {
        struct pending *p = calloc(1, sizeof(*p));
        if (!p) {
                api_reply_error(req, 500, "out of memory");
                return NULL;
        }
        p->req = req;
        p->engine = api_request_engine(req);
        snprintf(p->id, sizeof(p->id), "%s", c->rec.id);
        api_request_on_cancel(req, pending_cancel, p);
        return p;
}

/* Detaches p from its request (if still there) and frees it; returns the request or NULL. */
static struct api_request *pending_take(struct pending *p) {
        struct api_request *req = p->req;
        if (req)
                api_request_on_cancel(req, NULL, NULL);
        free(p);
        return req;
}

static struct ctr *lookup(struct api_request *req) {
        struct ctr *c = NULL;
        struct ctrd_error err = { 0 };
        int r = ctr_lookup(api_request_engine(req), api_request_param(req, "id"), &c, &err);
        if (r < 0) {
                api_reply_errno(req, r, &err);
                return NULL;
        }
        return c;
}

/* Parses an optional integer query parameter; replies 400 and returns -EINVAL when bad. */
static int query_int(struct api_request *req, const char *name, int64_t min, int64_t max,
                     int64_t def, int64_t *ret) {
        const char *s = api_request_query(req, name);
        *ret = def;
        if (!s || !*s)
                return 0;
        if (ctrd_parse_int64(s, min, max, ret) < 0) {
                api_reply_error(req, 400, "strconv.Atoi: parsing \"%s\": invalid syntax", s);
                return -EINVAL;
        }
        return 0;
}

void api_handle_container_create(struct api_request *req) {
        json_t *body = NULL;
        if (api_request_json(req, &body) < 0)
                return;
        if (!body) {
                api_reply_error(req, 400, "Config cannot be empty in order to create a container");
                return;
        }
        struct ctr *c = NULL;
        struct ctrd_error err = { 0 };
        int r = ctr_create(api_request_engine(req), body, api_request_query(req, "name"), &c, &err);
        json_decref(body);
        if (r < 0) {
                api_reply_errno(req, r, &err);
                return;
        }
        api_reply_json(req, 201, json_pack("{s:s, s:[]}", "Id", c->rec.id, "Warnings"));
}

void api_handle_container_inspect(struct api_request *req) {
        struct ctr *c = lookup(req);
        if (!c)
                return;
        json_t *o = ctr_inspect_json(c);
        if (!o) {
                api_reply_error(req, 500, "out of memory rendering the container");
                return;
        }
        api_reply_json(req, 200, o);
}

static void on_done(int r, const struct ctrd_error *err, void *userdata) {
        struct api_request *req = pending_take(userdata);
        if (!req)
                return;
        if (r < 0)
                api_reply_errno(req, r, err);
        else
                api_reply_empty(req, 204);
}

/* A process that could not be started is the request's fault (400), as dockerd answers. */
static void on_started(int r, const struct ctrd_error *err, void *userdata) {
        struct api_request *req = pending_take(userdata);
        if (!req)
                return;
        if (r == -ENOENT || r == -EACCES || r == -EISDIR || r == -EPERM || r == -ENOEXEC)
                api_reply_error(req, 400, "%s", err ? err->msg : "the container failed to start");
        else if (r < 0)
                api_reply_error(req, 500, "%s", err ? err->msg : "the container failed to start");
        else
                api_reply_empty(req, 204);
}

/* An operation refused before it began: 304 when there was nothing to do, else the error. */
static void refused(struct api_request *req, struct pending *p, int r, const struct ctrd_error *err) {
        pending_take(p);
        if (r == -EALREADY)
                api_reply_empty(req, 304);
        else
                api_reply_errno(req, r, err);
}

void api_handle_container_start(struct api_request *req) {
        struct ctr *c = lookup(req);
        if (!c)
                return;
        struct pending *p = pending_new(req, c);
        if (!p)
                return;
        struct ctrd_error err = { 0 };
        int r = ctr_start(c, on_started, p, &err);
        if (r < 0)
                refused(req, p, r, &err);
}

static int stop_timeout(struct api_request *req, int64_t *ret) {
        return query_int(req, "t", -1, 86400 * 365, -1, ret);
}

void api_handle_container_stop(struct api_request *req) {
        int64_t t;
        struct ctr *c = lookup(req);
        if (!c || stop_timeout(req, &t) < 0)
                return;
        struct pending *p = pending_new(req, c);
        if (!p)
                return;
        struct ctrd_error err = { 0 };
        int r = ctr_stop(c, (int) t, on_done, p, &err);
        if (r < 0)
                refused(req, p, r, &err);
}

static void restart_start(struct pending *p) {
        struct ctr *c = NULL;
        struct ctrd_error err = { 0 };
        int r = ctr_lookup(p->engine, p->id, &c, &err);
        if (r >= 0)
                r = ctr_start(c, on_started, p, &err);
        if (r < 0 && r != -EALREADY) {
                struct api_request *req = pending_take(p);
                if (req)
                        api_reply_errno(req, r, &err);
        } else if (r == -EALREADY) {
                on_started(0, NULL, p);
        }
}

static void on_restart_stopped(int r, const struct ctrd_error *err, void *userdata) {
        struct pending *p = userdata;
        if (r < 0) {
                on_done(r, err, p);
                return;
        }
        restart_start(p);
}

void api_handle_container_restart(struct api_request *req) {
        int64_t t;
        struct ctr *c = lookup(req);
        if (!c || stop_timeout(req, &t) < 0)
                return;
        struct pending *p = pending_new(req, c);
        if (!p)
                return;
        struct ctrd_error err = { 0 };
        int r = ctr_stop(c, (int) t, on_restart_stopped, p, &err);
        if (r == -EALREADY)
                restart_start(p);
        else if (r < 0)
                refused(req, p, r, &err);
}

void api_handle_container_kill(struct api_request *req) {
        struct ctr *c = lookup(req);
        if (!c)
                return;
        const char *s = api_request_query(req, "signal");
        int signo = s && *s ? signal_from_string(s) : SIGKILL;
        if (signo < 0) {
                api_reply_error(req, 400, "Invalid signal: %s", s);
                return;
        }
        struct ctrd_error err = { 0 };
        int r = ctr_kill(c, signo, &err);
        if (r < 0) {
                api_reply_errno(req, r, &err);
                return;
        }
        api_reply_empty(req, 204);
}

struct wait_reply {
        struct ctr_waiter w;
        struct api_request *req;
        struct ctr *c;
};

static void on_wait_done(int64_t status, const char *error, void *userdata) {
        struct wait_reply *wr = userdata;
        struct api_request *req = wr->req;
        api_request_on_cancel(req, NULL, NULL);
        json_t *o = error ? json_pack("{s:{s:s}, s:I}", "Error", "Message", error, "StatusCode",
                                      (json_int_t) status)
                          : json_pack("{s:n, s:I}", "Error", "StatusCode", (json_int_t) status);
        api_stream_write_json(req, o);
        api_stream_end(req);
        free(wr);
}

static void on_wait_cancel(struct api_request *req, void *userdata) {
        struct wait_reply *wr = userdata;
        ctr_wait_cancel(wr->c, &wr->w);
        free(wr);
}

void api_handle_container_wait(struct api_request *req) {
        struct ctr *c = lookup(req);
        if (!c)
                return;
        const char *cond = api_request_query(req, "condition");
        enum ctr_wait_condition wc;
        if (!cond || !*cond || strcmp(cond, "not-running") == 0)
                wc = CTR_WAIT_NOT_RUNNING;
        else if (strcmp(cond, "next-exit") == 0)
                wc = CTR_WAIT_NEXT_EXIT;
        else if (strcmp(cond, "removed") == 0)
                wc = CTR_WAIT_REMOVED;
        else {
                api_reply_error(req, 400, "invalid condition: \"%s\"", cond);
                return;
        }
        struct wait_reply *wr = calloc(1, sizeof(*wr));
        if (!wr || api_stream_begin(req, 200, "application/json") < 0) {
                free(wr);
                api_reply_error(req, 500, "out of memory");
                return;
        }
        /* The status line and headers go out now: docker run starts the container only then. */
        *wr = (struct wait_reply) { .w = { .condition = wc, .cb = on_wait_done, .userdata = wr },
                                    .req = req, .c = c };
        api_request_on_cancel(req, on_wait_cancel, wr);
        ctr_wait(c, &wr->w);
}

void api_handle_container_delete(struct api_request *req) {
        struct ctr *c = lookup(req);
        if (!c)
                return;
        bool force = ctrd_parse_query_bool(api_request_query(req, "force"));
        struct pending *p = pending_new(req, c);
        if (!p)
                return;
        struct ctrd_error err = { 0 };
        int r = ctr_remove(c, force, on_done, p, &err);
        if (r == 1)
                return;
        pending_take(p);
        if (r < 0)
                api_reply_errno(req, r, &err);
        else
                api_reply_empty(req, 204);
}

void api_handle_container_rename(struct api_request *req) {
        struct ctr *c = lookup(req);
        if (!c)
                return;
        const char *name = api_request_query(req, "name");
        if (!name || !*name) {
                api_reply_error(req, 400, "the new name is required (name=...)");
                return;
        }
        struct ctrd_error err = { 0 };
        int r = ctr_rename(c, name, &err);
        if (r < 0) {
                api_reply_errno(req, r, &err);
                return;
        }
        api_reply_empty(req, 204);
}

/* POST /containers/prune: removes every container that is not running (filter: label). */
void api_handle_container_prune(struct api_request *req) {
        struct ctrd_engine *e = api_request_engine(req);
        json_t *filters = NULL, *labels = NULL;
        const char *fs = api_request_query(req, "filters");
        if (fs && *fs) {
                filters = json_loads(fs, 0, NULL);
                if (!json_is_object(filters)) {
                        json_decref(filters);
                        api_reply_error(req, 400, "invalid filter: %s", fs);
                        return;
                }
                labels = json_object_get(filters, "label");
        }
        json_t *deleted = json_array();
        struct ctr *c = e->containers.list;
        while (c) {
                struct ctr *next = c->next;
                bool keep = ctr_is_running(c) || c->busy || c->restart ||
                            strcmp(c->rec.state, "removing") == 0;
                json_t *have_labels = labels ? json_object_get(ctr_config(c), "Labels") : NULL, *v;
                const char *k;
                json_object_foreach(labels, k, v) {
                        const char *eq = strchr(k, '=');
                        char key[256];
                        snprintf(key, sizeof(key), "%.*s", eq ? (int) (eq - k) : (int) strlen(k), k);
                        const char *have = json_string_value(json_object_get(have_labels, key));
                        if (!have || (eq && strcmp(have, eq + 1) != 0))
                                keep = true;
                }
                char id[65];
                snprintf(id, sizeof(id), "%s", c->rec.id);
                struct ctrd_error err = { 0 };
                if (!keep && ctr_remove(c, false, NULL, NULL, &err) == 0)
                        json_array_append_new(deleted, json_string(id));
                c = next;
        }
        json_decref(filters);
        api_reply_json(req, 200, json_pack("{s:o, s:i}", "ContainersDeleted", deleted, "SpaceReclaimed", 0));
}
