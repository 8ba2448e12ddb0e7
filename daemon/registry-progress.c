#include "registry-progress.h"

#include <errno.h>

#include "macro.h"

static void on_wake(uv_async_t *a) {
        registry_progress_flush(container_of(a, struct registry_progress, wake));
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
