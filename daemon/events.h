/*
 * Engine events, as GET /events shows them: kept in a bounded in-memory
 * history (for ?since=) and handed to live subscribers. Loop thread only.
 */
#pragma once

#include <jansson.h>
#include <stdint.h>

struct ctrd_engine;

#define EVENTS_HISTORY_MAX 1024

struct event_sub;
/* ev is Docker's event object; borrowed for the call. */
typedef void (*event_fn)(json_t *ev, void *userdata);

struct event_sub {
        event_fn fn;
        void *userdata;
        struct event_sub *prev, *next;
};

/* A stored event as compact text, parsed again only when a client asks for the past. */
struct event_rec {
        int64_t time_ns;
        char *text;
};

struct event_log {
        struct event_rec ring[EVENTS_HISTORY_MAX];
        size_t next, count;
        struct event_sub *subs;
};

/*
 * Records and broadcasts an event: type "container", "image" or "network",
 * action ("start", "die", "tag", ...), the actor's id, and its attributes
 * (stolen; NULL for none). For containers, attrs should carry "name" and
 * "image"; "from" is set from "image".
 */
void events_emit(struct ctrd_engine *e, const char *type, const char *action, const char *id,
                 json_t *attrs);

/* Calls fn for every stored event with timeNano in [since_ns, until_ns] (0: unbounded). */
void events_replay(struct ctrd_engine *e, int64_t since_ns, int64_t until_ns, event_fn fn,
                   void *userdata);

void events_subscribe(struct ctrd_engine *e, struct event_sub *s);
void events_unsubscribe(struct ctrd_engine *e, struct event_sub *s);

void events_free(struct ctrd_engine *e);
