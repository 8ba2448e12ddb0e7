#include "events.h"

#include <string.h>
#include <time.h>

#include "engine.h"

void events_emit(struct ctrd_engine *e, const char *type, const char *action, const char *id,
                 json_t *attrs) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        if (!attrs)
                attrs = json_object();
        json_t *ev = json_pack("{s:s, s:s, s:{s:s, s:o}, s:s, s:I, s:I}",
                               "Type", type, "Action", action, "Actor", "ID", id, "Attributes", attrs,
                               "scope", "local", "time", (json_int_t) ts.tv_sec,
                               "timeNano", (json_int_t) ts.tv_sec * 1000000000 + ts.tv_nsec);
        if (!ev)
                return;
        /* The older fields Docker still sends for containers (and the CLI reads). */
        if (strcmp(type, "container") == 0) {
                json_t *a = json_object_get(json_object_get(ev, "Actor"), "Attributes");
                json_object_set_new(ev, "status", json_string(action));
                json_object_set_new(ev, "id", json_string(id));
                json_t *img = json_object_get(a, "image");
                if (json_is_string(img))
                        json_object_set(ev, "from", img);
        } else if (strcmp(type, "image") == 0) {
                json_object_set_new(ev, "status", json_string(action));
                json_object_set_new(ev, "id", json_string(id));
        }

        struct event_log *log = &e->events;
        json_decref(log->ring[log->next]);
        log->ring[log->next] = ev;
        log->next = (log->next + 1) % EVENTS_HISTORY_MAX;
        if (log->count < EVENTS_HISTORY_MAX)
                log->count++;

        for (struct event_sub *s = log->subs, *next; s; s = next) {
                next = s->next;         /* a subscriber may unsubscribe itself */
                s->fn(ev, s->userdata);
        }
}

void events_replay(struct ctrd_engine *e, int64_t since_ns, int64_t until_ns, event_fn fn,
                   void *userdata) {
        struct event_log *log = &e->events;
        size_t first = (log->next + EVENTS_HISTORY_MAX - log->count) % EVENTS_HISTORY_MAX;
        for (size_t k = 0; k < log->count; k++) {
                json_t *ev = log->ring[(first + k) % EVENTS_HISTORY_MAX];
                int64_t t = json_integer_value(json_object_get(ev, "timeNano"));
                if ((since_ns && t < since_ns) || (until_ns && t > until_ns))
                        continue;
                fn(ev, userdata);
        }
}

void events_subscribe(struct ctrd_engine *e, struct event_sub *s) {
        s->prev = NULL;
        s->next = e->events.subs;
        if (s->next)
                s->next->prev = s;
        e->events.subs = s;
}

void events_unsubscribe(struct ctrd_engine *e, struct event_sub *s) {
        if (s->prev)
                s->prev->next = s->next;
        else if (e->events.subs == s)
                e->events.subs = s->next;
        if (s->next)
                s->next->prev = s->prev;
        s->prev = s->next = NULL;
}

void events_free(struct ctrd_engine *e) {
        for (size_t i = 0; i < EVENTS_HISTORY_MAX; i++) {
                json_decref(e->events.ring[i]);
                e->events.ring[i] = NULL;
        }
        e->events.count = e->events.next = 0;
}
