/*
 * GET /events: the stored events since ?since=, then live ones until
 * ?until= or until the client leaves; filters type, event, container,
 * image, label (values as in ps filters).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/engine.h"
#include "daemon/events.h"
#include "handlers.h"
#include "string-util.h"

struct events_req {
        struct api_request *req;
        struct ctrd_engine *engine;
        struct event_sub sub;
        json_t *filters;
        int64_t until_ns;
        uv_timer_t until_timer;
        bool subscribed;
};

/* True when one of the filter's values (object keys or array items) satisfies pred. */
static bool filter_any(json_t *vals, const char *actual, const char *actual2, bool label_mode, json_t *attrs) {
        const char *k;
        json_t *v;
        size_t i;
        json_t *list = json_array();
        if (json_is_object(vals))
                json_object_foreach(vals, k, v) json_array_append_new(list, json_string(k));
        else if (json_is_array(vals))
                json_array_extend(list, vals);
        bool hit = false;
        json_array_foreach(list, i, v) {
                const char *want = json_string_value(v);
                if (!want)
                        continue;
                if (label_mode) {
                        const char *eq = strchr(want, '=');
                        char key[256];
                        snprintf(key, sizeof(key), "%.*s", eq ? (int) (eq - want) : (int) strlen(want), want);
                        const char *have = json_string_value(json_object_get(attrs, key));
                        hit = have && (!eq || strcmp(have, eq + 1) == 0);
                } else {
                        hit = (actual && (strcmp(actual, want) == 0 || ctrd_startswith(actual, want))) ||
                              (actual2 && strcmp(actual2, want) == 0);
                }
                if (hit)
                        break;
        }
        json_decref(list);
        return hit;
}

static bool event_matches(json_t *filters, json_t *ev) {
        if (!filters)
                return true;
        const char *type = json_string_value(json_object_get(ev, "Type"));
        const char *action = json_string_value(json_object_get(ev, "Action"));
        json_t *actor = json_object_get(ev, "Actor");
        const char *id = json_string_value(json_object_get(actor, "ID"));
        json_t *attrs = json_object_get(actor, "Attributes");
        const char *name = json_string_value(json_object_get(attrs, "name"));
        const char *image = json_string_value(json_object_get(attrs, "image"));
        json_t *f;
        if ((f = json_object_get(filters, "type")) && !filter_any(f, type, NULL, false, NULL))
                return false;
        if ((f = json_object_get(filters, "event")) && !filter_any(f, action, NULL, false, NULL))
                return false;
        if ((f = json_object_get(filters, "container")) &&
            (strcmp(type, "container") != 0 || !filter_any(f, id, name, false, NULL)))
                return false;
        if ((f = json_object_get(filters, "image")) &&
            !filter_any(f, strcmp(type, "image") == 0 ? id : image, name, false, NULL))
                return false;
        if ((f = json_object_get(filters, "label")) && !filter_any(f, NULL, NULL, true, attrs))
                return false;
        return true;
}

static void send_event(json_t *ev, void *userdata) {
        struct events_req *er = userdata;
        if (!er->req || !event_matches(er->filters, ev))
                return;
        if (er->until_ns && json_integer_value(json_object_get(ev, "timeNano")) > er->until_ns)
                return;
        api_stream_write_json(er->req, json_incref(ev));
}

static void on_timer_closed(uv_handle_t *h) {
        struct events_req *er = h->data;
        json_decref(er->filters);
        free(er);
}

static void events_req_finish(struct events_req *er) {
        if (er->subscribed) {
                events_unsubscribe(er->engine, &er->sub);
                er->subscribed = false;
        }
        if (er->req) {
                api_request_on_cancel(er->req, NULL, NULL);
                api_stream_end(er->req);
                er->req = NULL;
        }
        uv_timer_stop(&er->until_timer);
        uv_close((uv_handle_t *) &er->until_timer, on_timer_closed);
}

static void on_cancel(struct api_request *req, void *userdata) {
        struct events_req *er = userdata;
        er->req = NULL;
        events_req_finish(er);
}

static void on_until(uv_timer_t *t) {
        events_req_finish(t->data);
}

/* Unix seconds with an optional fraction, as the CLI sends since/until. */
static int parse_time(const char *s, int64_t *ret) {
        *ret = 0;
        if (!s || !*s)
                return 0;
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        if (errno || *end || v < 0)
                return -EINVAL;
        *ret = (int64_t) (v * 1e9);
        return 0;
}

void api_handle_events(struct api_request *req) {
        int64_t since, until;
        if (parse_time(api_request_query(req, "since"), &since) < 0 ||
            parse_time(api_request_query(req, "until"), &until) < 0) {
                api_reply_error(req, 400, "invalid since or until: use Unix seconds[.fraction]");
                return;
        }
        json_t *filters = NULL;
        const char *fs = api_request_query(req, "filters");
        if (fs && *fs) {
                filters = json_loads(fs, 0, NULL);
                if (!json_is_object(filters)) {
                        json_decref(filters);
                        api_reply_error(req, 400, "invalid filter: %s", fs);
                        return;
                }
        }
        struct events_req *er = calloc(1, sizeof(*er));
        if (!er || api_stream_begin(req, 200, "application/json") < 0) {
                free(er);
                json_decref(filters);
                api_reply_error(req, 500, "out of memory");
                return;
        }
        er->req = req;
        er->engine = api_request_engine(req);
        er->filters = filters;
        er->until_ns = until;
        er->until_timer.data = er;
        uv_timer_init(er->engine->loop, &er->until_timer);
        api_request_on_cancel(req, on_cancel, er);

        if (since)
                events_replay(er->engine, since, until, send_event, er);
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        int64_t now_ns = (int64_t) now.tv_sec * 1000000000 + now.tv_nsec;
        if (until && until <= now_ns) {
                events_req_finish(er);
                return;
        }
        er->sub = (struct event_sub) { .fn = send_event, .userdata = er };
        events_subscribe(er->engine, &er->sub);
        er->subscribed = true;
        if (until)
                uv_timer_start(&er->until_timer, on_until, (uint64_t) ((until - now_ns) / 1000000), 0);
}
