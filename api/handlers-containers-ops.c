/*
 * POST /containers/{id}/pause|unpause, GET /containers/{id}/top and
 * GET /containers/{id}/stats. Stats samples the shim's counters on a timer:
 * stream=0 answers one object whose precpu_stats is a sample taken a second
 * earlier (docker's CLI gives a container 2 s); stream=1 sends one object
 * at once (zero precpu_stats, as dockerd) and then one a second, until the
 * client leaves or the container stops.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/container-ops.h"
#include "daemon/containers.h"
#include "daemon/engine.h"
#include "handlers.h"
#include "string-util.h"

#define STATS_INTERVAL_MS 1000
/* A client that does not read its stats stream is not sent more while this much waits. */
#define STATS_BACKLOG_MAX (256 * 1024)

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

static void pause_or_unpause(struct api_request *req, bool pause) {
        struct ctrd_error err = { 0 };
        struct ctr *c = lookup(req);
        if (!c)
                return;
        int r = pause ? ctr_pause(c, &err) : ctr_unpause(c, &err);
        if (r < 0)
                api_reply_errno(req, r, &err);
        else
                api_reply_empty(req, 204);
}

void api_handle_container_pause(struct api_request *req) {
        pause_or_unpause(req, true);
}

void api_handle_container_unpause(struct api_request *req) {
        pause_or_unpause(req, false);
}

void api_handle_container_top(struct api_request *req) {
        struct ctrd_error err = { 0 };
        json_t *o = NULL;
        struct ctr *c = lookup(req);
        if (!c)
                return;
        int r = ctr_top(c, api_request_query(req, "ps_args"), &o, &err);
        if (r < 0)
                api_reply_errno(req, r, &err);
        else
                api_reply_json(req, 200, o);
}

struct stats {
        struct api_request *req;        /* NULL once answered or the client left */
        struct ctrd_engine *engine;
        char id[65];
        uv_timer_t timer;
        bool stream;
        bool have_pre;
        struct ctrd_shim_stats pre;     /* the previous sample: the next object's precpu_stats */
};

static void stats_closed(uv_handle_t *h) {
        struct stats *s = h->data;
        ctrd_shim_stats_done(&s->pre);
        free(s);
}

/* Takes the request out of s: it is answered next and must not be cancelled into s. */
static struct api_request *stats_take_req(struct stats *s) {
        struct api_request *req = s->req;
        s->req = NULL;
        if (req)
                api_request_on_cancel(req, NULL, NULL);
        return req;
}

static void stats_finish(struct stats *s) {
        struct api_request *req = stats_take_req(s);
        /* A request still unanswered here lost its container (removed meanwhile). */
        if (req && s->stream)
                api_stream_end(req);
        else if (req)
                api_reply_error(req, 404, "No such container: %s", s->id);
        uv_timer_stop(&s->timer);
        uv_close((uv_handle_t *) &s->timer, stats_closed);
}

static void stats_cancel(struct api_request *req, void *userdata) {
        struct stats *s = userdata;
        s->req = NULL;
        stats_finish(s);
}

/* Sends one object: cur against the previous sample; cur NULL sends the stopped container's zeros. */
static int stats_send(struct stats *s, struct ctr *c, const struct ctrd_shim_stats *cur) {
        json_t *o = ctr_stats_json(c, cur, cur && s->have_pre ? &s->pre : NULL);
        if (s->stream)
                return o ? api_stream_write_json(s->req, o) : -ENOMEM;
        struct api_request *req = stats_take_req(s);
        if (!o) {
                api_reply_error(req, 500, "out of memory rendering stats");
                return -ENOMEM;
        }
        api_reply_json(req, 200, o);
        return 0;
}

/*
 * Takes a sample and either keeps it as the previous one (want_send false)
 * or sends it. Returns 1 to keep going, 0 when done (answered, or the
 * container stopped), < 0 on failure.
 */
static int stats_step(struct stats *s, bool want_send) {
        struct ctrd_shim_stats cur = { 0 };
        struct ctr *c = NULL;
        if (ctr_lookup(s->engine, s->id, &c, NULL) < 0)
                return 0;
        int r = ctr_is_running(c) ? ctr_stats_sample(c, &cur, NULL) : -EBUSY;
        if (r < 0) {
                /* Stopped (or its shim is gone): dockerd's zeros, unless a stream already
                 * sent samples, which then just ends. */
                if (!s->stream || !s->have_pre)
                        r = stats_send(s, c, NULL);
                return r < 0 ? r : 0;
        }
        if (want_send)
                r = stats_send(s, c, &cur);
        ctrd_shim_stats_done(&s->pre);
        s->pre = cur;
        s->have_pre = true;
        if (r < 0)
                return r;
        return s->stream || !want_send ? 1 : 0;
}

static void stats_tick(uv_timer_t *t) {
        struct stats *s = t->data;
        if (!s->req)
                return;
        if (s->stream && api_stream_buffered(s->req) > STATS_BACKLOG_MAX)
                return;
        if (stats_step(s, true) <= 0)
                stats_finish(s);
}

static int stats_start(struct api_request *req, struct stats *s, bool one_shot) {
        if (s->stream && api_stream_begin(req, 200, "application/json") < 0)
                return -ENOMEM;
        s->req = req;
        s->timer.data = s;
        uv_timer_init(s->engine->loop, &s->timer);
        api_request_on_cancel(req, stats_cancel, s);
        /* stream=1 and one-shot send the first sample now; stream=0 keeps it as precpu. */
        int r = stats_step(s, s->stream || one_shot);
        if (r <= 0) {
                stats_finish(s);
                return 0;
        }
        uv_timer_start(&s->timer, stats_tick, STATS_INTERVAL_MS, STATS_INTERVAL_MS);
        return 0;
}

void api_handle_container_stats(struct api_request *req) {
        struct ctr *c = lookup(req);
        if (!c)
                return;
        const char *stream = api_request_query(req, "stream");
        struct stats *s = calloc(1, sizeof(*s));
        if (!s) {
                api_reply_error(req, 500, "out of memory");
                return;
        }
        /* stream defaults to true; one-shot only counts without a stream. */
        s->stream = !stream || !*stream || ctrd_parse_query_bool(stream);
        bool one_shot = !s->stream && ctrd_parse_query_bool(api_request_query(req, "one-shot"));
        s->engine = api_request_engine(req);
        snprintf(s->id, sizeof(s->id), "%s", c->rec.id);
        if (stats_start(req, s, one_shot) < 0) {
                free(s);
                api_reply_error(req, 500, "out of memory");
        }
}
