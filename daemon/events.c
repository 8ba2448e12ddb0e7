#include "events.h"

#include <stdlib.h>
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

        /* Stored before it is broadcast, as text: a quarter of the tree's heap. */
        struct event_log *log = &e->events;
        char *text = json_dumps(ev, JSON_COMPACT);
        if (text) {
                struct event_rec *rec = &log->ring[log->next];
                free(rec->text);
                *rec = (struct event_rec) { .time_ns = (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec,
                                            .text = text };
                log->next = (log->next + 1) % EVENTS_HISTORY_MAX;
                if (log->count < EVENTS_HISTORY_MAX)
                        log->count++;
        }
        for (struct event_sub *s = log->subs, *next; s; s = next) {
                next = s->next;         /* a subscriber may unsubscribe itself */
                s->fn(ev, s->userdata);
        }
        json_decref(ev);
}

void events_replay(struct ctrd_engine *e, int64_t since_ns, int64_t until_ns, event_fn fn,
                   void *userdata) {
        struct event_log *log = &e->events;
        size_t first = (log->next + EVENTS_HISTORY_MAX - log->count) % EVENTS_HISTORY_MAX;
        for (size_t k = 0; k < log->count; k++) {
                const struct event_rec *rec = &log->ring[(first + k) % EVENTS_HISTORY_MAX];
                if ((since_ns && rec->time_ns < since_ns) || (until_ns && rec->time_ns > until_ns))
                        continue;
                json_t *ev = json_loads(rec->text, 0, NULL);
                if (ev)
                        fn(ev, userdata);
                json_decref(ev);
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
                free(e->events.ring[i].text);
                e->events.ring[i] = (struct event_rec) { 0 };
        }
        e->events.count = e->events.next = 0;
}
