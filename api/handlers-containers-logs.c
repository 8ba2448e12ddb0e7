/*
 * GET /containers/{id}/logs: history from the json-file log, then (follow)
 * new lines until the container stops or the client leaves. Multiplexed
 * frames without a TTY, raw bytes with one. Reading happens in slices on a
 * timer so a large log never holds the loop, and pauses while the client is
 * slow to take what was sent.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/container-logs.h"
#include "daemon/containers.h"
#include "daemon/engine.h"
#include "handlers.h"
#include "string-util.h"

#define SLICE_BYTES (1024 * 1024)
#define FOLLOW_INTERVAL_MS 100
#define CLIENT_BACKLOG_MAX (4 * 1024 * 1024)

struct tail_entry {
        int stream;
        char time[40];
        char *data;
        size_t len;
};

struct logs {
        struct api_request *req;        /* NULL once the client left */
        struct ctrd_engine *engine;
        char id[65];
        struct log_reader *reader;
        uv_timer_t timer;
        bool follow, timestamps, tty, history_done;
        bool want[3];
        int64_t since_ns, until_ns;     /* 0: unbounded */
        int64_t tail;                   /* -1: all */
        struct tail_entry *ring;        /* the last `tail` records while reading history */
        size_t ring_n, ring_next;
};

static void logs_closed(uv_handle_t *h) {
        struct logs *l = h->data;
        log_reader_free(l->reader);
        for (size_t i = 0; i < l->ring_n; i++)
                free(l->ring[i].data);
        free(l->ring);
        free(l);
}

static void logs_finish(struct logs *l) {
        if (l->req) {
                api_request_on_cancel(l->req, NULL, NULL);
                api_stream_end(l->req);
                l->req = NULL;
        }
        uv_timer_stop(&l->timer);
        uv_close((uv_handle_t *) &l->timer, logs_closed);
}

static void logs_cancel(struct api_request *req, void *userdata) {
        struct logs *l = userdata;
        l->req = NULL;
        logs_finish(l);
}

static int emit(struct logs *l, int stream, const char *time, const char *data, size_t len) {
        char prefix[48] = "";
        size_t plen = 0;
        if (l->timestamps) {
                plen = (size_t) snprintf(prefix, sizeof(prefix), "%s ", time);
        }
        if (!l->tty) {
                size_t total = plen + len;
                unsigned char hdr[8] = { (unsigned char) stream, 0, 0, 0,
                                         (unsigned char) (total >> 24), (unsigned char) (total >> 16),
                                         (unsigned char) (total >> 8), (unsigned char) total };
                int r = api_stream_write(l->req, hdr, sizeof(hdr));
                if (r < 0)
                        return r;
        }
        if (plen > 0) {
                int r = api_stream_write(l->req, prefix, plen);
                if (r < 0)
                        return r;
        }
        return api_stream_write(l->req, data, len);
}

static bool wanted(struct logs *l, const struct log_record *rec) {
        if (!l->want[rec->stream])
                return false;
        if (l->since_ns && rec->time_ns && rec->time_ns < l->since_ns)
                return false;
        if (l->until_ns && rec->time_ns && rec->time_ns > l->until_ns)
                return false;
        return true;
}

/* Keeps rec among the last `tail` records of the history. */
static int ring_push(struct logs *l, const struct log_record *rec) {
        if (l->tail == 0)
                return 0;
        struct tail_entry *e;
        if (l->ring_n < (size_t) l->tail) {
                struct tail_entry *nr = realloc(l->ring, (l->ring_n + 1) * sizeof(*nr));
                if (!nr)
                        return -ENOMEM;
                l->ring = nr;
                e = &l->ring[l->ring_n++];
        } else {
                e = &l->ring[l->ring_next];
                l->ring_next = (l->ring_next + 1) % l->ring_n;
                free(e->data);
        }
        e->data = malloc(rec->len ? rec->len : 1);
        if (!e->data)
                return -ENOMEM;
        memcpy(e->data, rec->data, rec->len);
        e->len = rec->len;
        e->stream = rec->stream;
        snprintf(e->time, sizeof(e->time), "%s", rec->time);
        return 0;
}

static int ring_flush(struct logs *l) {
        for (size_t k = 0; k < l->ring_n; k++) {
                struct tail_entry *e = &l->ring[(l->ring_next + k) % l->ring_n];
                int r = emit(l, e->stream, e->time, e->data, e->len);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Reads one slice; returns 1 when everything there now was read, 0 if more remains, < 0 on error. */
static int read_slice(struct logs *l) {
        struct log_record rec;
        struct ctrd_error err = { 0 };
        size_t budget = SLICE_BYTES;
        for (;;) {
                int n = log_reader_next(l->reader, &rec, budget, &err);
                if (n < 0)
                        return n;
                if (n == 0)
                        return 1;
                budget = budget > rec.len + 64 ? budget - rec.len - 64 : 0;
                if (!wanted(l, &rec))
                        continue;
                int r = (!l->history_done && l->tail >= 0) ? ring_push(l, &rec)
                                                           : emit(l, rec.stream, rec.time, rec.data, rec.len);
                if (r < 0)
                        return r;
                if (budget == 0)
                        return 0;
        }
}

static bool container_running(struct logs *l) {
        struct ctr *c = NULL;
        return ctr_lookup(l->engine, l->id, &c, NULL) == 0 && ctr_is_running(c);
}

static void on_tick(uv_timer_t *t) {
        struct logs *l = t->data;
        if (!l->req)
                return;
        if (api_stream_buffered(l->req) > CLIENT_BACKLOG_MAX)
                return;         /* the client is behind: let it catch up first */
        /* Decide before reading: a container that stopped has written its last line. */
        bool running = l->follow && container_running(l);
        int r = read_slice(l);
        if (r < 0) {
                logs_finish(l);
                return;
        }
        if (r == 0)
                return;         /* more history right away, next tick */
        if (!l->history_done) {
                l->history_done = true;
                if (ring_flush(l) < 0) {
                        logs_finish(l);
                        return;
                }
        }
        if (!l->follow || !running) {
                logs_finish(l);
                return;
        }
        uv_timer_set_repeat(&l->timer, FOLLOW_INTERVAL_MS);
}

/* "1795911497" or "1795911497.123456789" (what the docker CLI sends) → ns. */
static int parse_unix_time(const char *s, int64_t *ret) {
        *ret = 0;
        if (!s || !*s)
                return 0;
        const char *dot = strchr(s, '.');
        char secs[32];
        int64_t sec, frac = 0;
        snprintf(secs, sizeof(secs), "%.*s", dot ? (int) (dot - s) : (int) strlen(s), s);
        if (ctrd_parse_int64(secs, 0, INT64_MAX / 1000000000, &sec) < 0)
                return -EINVAL;
        if (dot) {
                char f[10] = "000000000";
                size_t n = strlen(dot + 1);
                if (n == 0 || n > 9 || strspn(dot + 1, "0123456789") != n)
                        return -EINVAL;
                memcpy(f, dot + 1, n);
                ctrd_parse_int64(f, 0, 999999999, &frac);
        }
        *ret = sec * 1000000000 + frac;
        return 0;
}

static int parse_options(struct api_request *req, struct logs *l) {
        l->want[1] = ctrd_parse_query_bool(api_request_query(req, "stdout"));
        l->want[2] = ctrd_parse_query_bool(api_request_query(req, "stderr"));
        if (!l->want[1] && !l->want[2]) {
                api_reply_error(req, 400, "Bad parameters: you must choose at least one stream");
                return -EINVAL;
        }
        l->follow = ctrd_parse_query_bool(api_request_query(req, "follow"));
        l->timestamps = ctrd_parse_query_bool(api_request_query(req, "timestamps"));
        const char *tail = api_request_query(req, "tail");
        l->tail = -1;
        if (tail && *tail && strcmp(tail, "all") != 0 &&
            ctrd_parse_int64(tail, 0, INT32_MAX, &l->tail) < 0)
                l->tail = -1;   /* dockerd treats a bad tail as "all" */
        const char *since = api_request_query(req, "since"), *until = api_request_query(req, "until");
        if (parse_unix_time(since, &l->since_ns) < 0 || parse_unix_time(until, &l->until_ns) < 0) {
                api_reply_error(req, 400, "invalid since or until: use Unix seconds[.nanoseconds]");
                return -EINVAL;
        }
        return 0;
}

void api_handle_container_logs(struct api_request *req) {
        struct ctr *c = NULL;
        struct ctrd_error err = { 0 };
        int r = ctr_lookup(api_request_engine(req), api_request_param(req, "id"), &c, &err);
        if (r < 0) {
                api_reply_errno(req, r, &err);
                return;
        }
        struct logs *l = calloc(1, sizeof(*l));
        if (!l) {
                api_reply_error(req, 500, "out of memory");
                return;
        }
        if (parse_options(req, l) < 0) {
                free(l);
                return;
        }
        l->engine = api_request_engine(req);
        snprintf(l->id, sizeof(l->id), "%s", c->rec.id);
        l->tty = json_is_true(json_object_get(ctr_config(c), "Tty"));
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s-json.log", c->dir, c->rec.id);
        r = log_reader_open(path, &l->reader, &err);
        if (r < 0) {
                free(l);
                api_reply_errno(req, r, &err);
                return;
        }
        if (api_stream_begin(req, 200, l->tty ? "application/vnd.docker.raw-stream"
                                              : "application/vnd.docker.multiplexed-stream") < 0) {
                log_reader_free(l->reader);
                free(l);
                api_reply_error(req, 500, "out of memory");
                return;
        }
        l->req = req;
        l->timer.data = l;
        uv_timer_init(l->engine->loop, &l->timer);
        api_request_on_cancel(req, logs_cancel, l);
        /* History in slices on consecutive loop turns; then every FOLLOW_INTERVAL_MS. */
        uv_timer_start(&l->timer, on_tick, 0, 1);
}
