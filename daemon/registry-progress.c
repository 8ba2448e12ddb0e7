#include "registry-progress.h"

#include <errno.h>
#include <stdbool.h>

#include "macro.h"

static void on_wake(uv_async_t *a) {
        struct registry_progress *p = container_of(a, struct registry_progress, wake);
        registry_progress_flush(p);
        pthread_mutex_lock(&p->lock);
        bool ended = p->ended;
        pthread_mutex_unlock(&p->lock);
        if (ended && !p->reported) {
                p->reported = true;
                registry_progress_flush(p);     /* what came between the two looks */
                p->finished(p);
        }
}

static void *trampoline(void *userdata) {
        struct registry_progress *p = userdata;
        p->work(p->arg);
        /*
         * The wake-up is sent with the lock held: the loop reads ended under
         * the same lock, so it cannot see it (and free p) before this thread
         * is done with p.
         */
        pthread_mutex_lock(&p->lock);
        p->ended = true;
        uv_async_send(&p->wake);
        pthread_mutex_unlock(&p->lock);
        return NULL;
}

int registry_progress_run(struct registry_progress *p, void *(*work)(void *arg), void *arg,
                          void (*finished)(struct registry_progress *p), struct ctrd_error *err) {
        pthread_attr_t attr;
        pthread_t th;
        p->work = work;
        p->arg = arg;
        p->finished = finished;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int r = pthread_create(&th, &attr, trampoline, p);
        pthread_attr_destroy(&attr);
        return r != 0 ? ctrd_error_set(err, r, "starting the transfer thread") : 0;
}

int registry_progress_init(struct registry_progress *p, uv_loop_t *loop, registry_progress_fn fn,
                           void *userdata, void *owner, struct ctrd_error *err) {
        *p = (struct registry_progress) { .fn = fn, .userdata = userdata };
        p->wake.data = owner;
        pthread_mutex_init(&p->lock, NULL);
        if (!(p->pending = json_array()))
                return ctrd_error_set(err, ENOMEM, "out of memory");
        int r = uv_async_init(loop, &p->wake, on_wake);
        if (r < 0)
                return ctrd_error_set(err, -r, "creating the progress notifier");
        p->wake.data = owner;
        p->started = true;
        return 0;
}

void registry_progress_emit(struct registry_progress *p, json_t *m) {
        if (!m)
                return;
        pthread_mutex_lock(&p->lock);
        json_array_append_new(p->pending, m);
        pthread_mutex_unlock(&p->lock);
        uv_async_send(&p->wake);
}

void registry_progress_flush(struct registry_progress *p) {
        json_t *fresh = json_array(), *batch, *m;
        size_t i;
        if (!fresh)
                return;         /* out of memory: the messages wait for the next flush */
        pthread_mutex_lock(&p->lock);
        batch = p->pending;
        p->pending = fresh;
        pthread_mutex_unlock(&p->lock);
        json_array_foreach(batch, i, m)
                p->fn(m, p->userdata);
        json_decref(batch);
}

void registry_progress_close(struct registry_progress *p, uv_close_cb close_cb) {
        if (p->started)
                uv_close((uv_handle_t *) &p->wake, close_cb);
        else
                close_cb((uv_handle_t *) &p->wake);
}

void registry_progress_done(struct registry_progress *p) {
        json_decref(p->pending);
        p->pending = NULL;
        pthread_mutex_destroy(&p->lock);
}
