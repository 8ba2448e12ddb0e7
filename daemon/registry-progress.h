/*
 * A transfer (pull or push) on a thread of its own, reporting to the loop:
 * any thread queues JSON progress messages; the loop is woken (uv_async) and
 * hands them, in order, to the callback; when the transfer's function has
 * returned, the loop calls finished. A transfer does not sit on a uv
 * threadpool thread for minutes, so loads, imports and removals never wait
 * behind a few long pulls.
 */
#pragma once

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <uv.h>

#include "error.h"

/* msg is borrowed. */
typedef void (*registry_progress_fn)(json_t *msg, void *userdata);

struct registry_progress {
        uv_async_t wake;                /* wake.data is the owner's, for its close callback */
        pthread_mutex_t lock;
        json_t *pending;
        registry_progress_fn fn;
        void *userdata;
        bool started;                   /* wake is a live handle */
        bool ended;                     /* the transfer returned (under lock) */
        bool reported;                  /* finished was called */
        void *(*work)(void *arg);
        void *arg;
        void (*finished)(struct registry_progress *p);
};

/* On the loop. owner goes into wake.data. */
int registry_progress_init(struct registry_progress *p, uv_loop_t *loop, registry_progress_fn fn,
                           void *userdata, void *owner, struct ctrd_error *err);

/* From any thread; m is stolen (NULL is ignored). */
void registry_progress_emit(struct registry_progress *p, json_t *m);

/*
 * On the loop: runs work(arg) on a new thread; once it has returned and its
 * last messages are delivered, finished(p) runs on the loop.
 */
int registry_progress_run(struct registry_progress *p, void *(*work)(void *arg), void *arg,
                          void (*finished)(struct registry_progress *p), struct ctrd_error *err);

/* On the loop: delivers what is queued now. */
void registry_progress_flush(struct registry_progress *p);

/*
 * On the loop: ends p. With a live handle, close_cb runs once it is closed
 * (and must call registry_progress_done); otherwise close_cb runs at once.
 */
void registry_progress_close(struct registry_progress *p, uv_close_cb close_cb);
void registry_progress_done(struct registry_progress *p);
