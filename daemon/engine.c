#include "engine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs-util.h"
#include "daemon/image-service.h"
#include "daemon/net.h"
#include "store/images.h"
#include "store/store.h"

/* The roots hold other users' container files: traversable, not listable. */
#define ENGINE_ROOT_MODE 0711

/* Image events carry the reference as "name" in their attributes, as dockerd's do. */
static void engine_image_event(void *userdata, const char *action, const char *id, const char *name) {
        json_t *attrs = name ? json_pack("{s:s}", "name", name) : NULL;
        events_emit(userdata, "image", action, id, attrs);
}

static int lock_data_root(struct ctrd_engine *e, struct ctrd_error *err) {
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s/ctrd.lock", e->data_root) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        e->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (e->lock_fd < 0)
                return ctrd_error_sys(err, errno, "opening lock file '%s'", path);
        if (flock(e->lock_fd, LOCK_EX | LOCK_NB) < 0) {
                if (errno == EWOULDBLOCK)
                        return ctrd_error_set(err, EBUSY, "data root '%s' is in use by another ctrd",
                                              e->data_root);
                return ctrd_error_sys(err, errno, "locking '%s'", path);
        }
        return 0;
}

/* parent/name as a directory only root can enter, created if missing. */
static int private_dir(const char *parent, const char *name, char **ret, struct ctrd_error *err) {
        if (asprintf(ret, "%s/%s", parent, name) < 0) {
                *ret = NULL;
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        return ctrd_mkdir_p(*ret, 0700, err);
}

int engine_init(struct ctrd_engine *e, uv_loop_t *loop, const struct engine_config *cfg,
                struct ctrd_error *err) {
        _cleanup_free_ char *db = NULL;    /* before any goto: cleanup must see NULL */
        *e = (struct ctrd_engine) { .loop = loop, .lock_fd = -EBADF };
        clock_gettime(CLOCK_REALTIME, &e->started);

        int r = ctrd_mkdir_p(cfg->data_root, ENGINE_ROOT_MODE, err);
        if (r < 0)
                return ctrd_error_wrap(err, "data root");
        r = ctrd_mkdir_p(cfg->run_root, ENGINE_ROOT_MODE, err);
        if (r < 0)
                return ctrd_error_wrap(err, "run root");

        e->shim_path = strdup(cfg->shim_path ? cfg->shim_path : CTRD_LIBEXECDIR "/ctrd-shim");
        e->image_worker_path = strdup(cfg->image_worker_path ? cfg->image_worker_path
                                      : CTRD_LIBEXECDIR "/ctrd-image-worker");
        e->cgroup_parent = strdup(cfg->cgroup_parent ? cfg->cgroup_parent : "/ctrd");
        e->registry = cfg->registry;
        if (!e->shim_path || !e->image_worker_path || !e->cgroup_parent) {
                r = ctrd_error_set(err, ENOMEM, "out of memory");
                goto fail;
        }
        e->data_root = realpath(cfg->data_root, NULL);
        e->run_root = realpath(cfg->run_root, NULL);
        if (!e->data_root || !e->run_root) {
                r = ctrd_error_sys(err, errno, "resolving data root '%s' and run root '%s'",
                                   cfg->data_root, cfg->run_root);
                goto fail;
        }

        r = lock_data_root(e, err);
        if (r < 0)
                goto fail;
        /* RUN/seccomp: compiled seccomp programs the shims share (shim/runtime/seccomp-cache.h). */
        r = private_dir(e->data_root, "volumes", &e->volumes_root, err);
        if (r >= 0)
                r = private_dir(e->run_root, "seccomp", &e->seccomp_cache, err);
        if (r < 0)
                goto fail;

        if (asprintf(&db, "%s/ctrd.db", e->data_root) < 0) {
                r = ctrd_error_set(err, ENOMEM, "out of memory");
                goto fail;
        }
        r = store_open(db, &e->store, err);
        if (r < 0)
                goto fail;
        r = store_engine_id(e->store, &e->engine_id, err);
        if (r < 0)
                goto fail;
        r = image_service_open(loop, e->store, e->data_root, cfg->storage_driver, &e->images, err);
        if (r < 0)
                goto fail;
        e->images->worker_path = e->image_worker_path;
        e->images->in_use = ctr_image_in_use;
        e->images->in_use_data = e;
        e->images->event = engine_image_event;
        e->images->event_data = e;
        r = net_manager_init(e, cfg->bridge_name, cfg->default_subnet, err);
        if (r < 0)
                goto fail;
        r = ctr_manager_load(e, err);
        if (r < 0)
                goto fail;
        net_manager_restore(e);
        return 0;

fail:
        engine_done(e);
        return r;
}

void engine_done(struct ctrd_engine *e) {
        /* Containers keep running: only our view of them goes. */
        ctr_manager_free(e);
        net_manager_free(e);
        events_free(e);
        image_service_free(e->images);
        store_close(e->store);
        free(e->engine_id);
        free(e->shim_path);
        free(e->image_worker_path);
        free(e->cgroup_parent);
        free(e->volumes_root);
        free(e->seccomp_cache);
        safe_close(e->lock_fd);
        free(e->data_root);
        free(e->run_root);
        *e = (struct ctrd_engine) { .lock_fd = -EBADF };
}

int engine_counts(struct ctrd_engine *e, struct engine_counts *ret, struct ctrd_error *err) {
        *ret = (struct engine_counts) { 0 };
        for (struct ctr *c = e->containers.list; c; c = c->next) {
                ret->containers++;
                if (strcmp(c->rec.state, "paused") == 0)
                        ret->paused++;
                else if (ctr_is_running(c))
                        ret->running++;
                else
                        ret->stopped++;
        }
        struct store_image *imgs = NULL;
        size_t n = 0;
        int r = store_image_list(e->store, &imgs, &n, err);
        if (r < 0)
                return r;
        free(imgs);
        ret->images = (int64_t) n;
        return 0;
}
