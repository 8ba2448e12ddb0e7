/* Removing and renaming containers. */
#define LOG_SUBSYSTEM "containers"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "container-exec.h"
#include "container-restart.h"
#include "container-internal.h"
#include "container-names.h"
#include "graphdriver.h"
#include "image-service.h"
#include "layer-fs.h"
#include "log.h"
#include "net.h"
#include "store/store.h"

struct remove_op {
        struct ctr *c;
        ctr_done_fn done;
        void *userdata;
};

/* Unmounts and deletes everything of a stopped container, then its record. */
static int remove_now(struct ctr *c, struct ctrd_error *err) {
        struct ctrd_engine *e = c->engine;
        ctr_set_state(c, "removing");
        int r = ctr_save(c, err);
        if (r < 0)
                return r;
        r = e->images->driver->release(c->dir, err);
        if (r >= 0)
                r = layer_fs_remove_path(c->dir, err);
        if (r >= 0)
                r = layer_fs_remove_path(c->run_dir, err);
        if (r >= 0)
                net_container_removed(c);
        if (r >= 0)
                r = store_container_remove(e->store, c->rec.id, err);
        if (r < 0) {
                /* What could not be removed stays visible as dead, as Docker shows it. */
                ctr_set_state(c, "dead");
                ctr_save(c, NULL);
                return ctrd_error_wrap(err, "removing container %s", c->rec.id);
        }
        log_info("removed container %s", c->rec.id);
        ctr_exec_forget(e, c->rec.id);
        ctr_event(c, "destroy", NULL, NULL);
        ctr_notify_waiters(c, CTR_WAIT_REMOVED);
        ctr_unlink_free(c);
        return 0;
}

static void on_killed_for_removal(int r, const struct ctrd_error *kerr, void *userdata) {
        struct remove_op *op = userdata;
        struct ctrd_error err = { 0 };
        if (r >= 0)
                r = remove_now(op->c, &err);
        if (op->done)
                op->done(r, r < 0 ? (kerr ? kerr : &err) : NULL, op->userdata);
        free(op);
}

int ctr_remove(struct ctr *c, bool force, ctr_done_fn done, void *userdata, struct ctrd_error *err) {
        if (c->busy || c->removal_pending)
                return ctrd_error_set(err, EBUSY, "container %s is busy (starting or being removed)",
                                      c->rec.id);
        if (c->restart) {
                if (!force)
                        return ctrd_error_set(err, EBUSY, "You cannot remove a restarting container %s. "
                                              "Stop the container before attempting removal or force "
                                              "remove", c->rec.id);
                ctr_restart_cancel(c);
        }
        if (!ctr_is_running(c))
                return remove_now(c, err);
        if (!force)
                return ctrd_error_set(err, EBUSY, "You cannot remove a running container %s. Stop the "
                                      "container before attempting removal or force remove", c->rec.id);
        struct remove_op *op = calloc(1, sizeof(*op));
        if (!op)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        *op = (struct remove_op) { .c = c, .done = done, .userdata = userdata };
        c->removal_pending = true;
        int r = ctr_kill_and_wait(c, on_killed_for_removal, op, err);
        if (r < 0)
                log_warning("container %s: %s; waiting for its exit anyway", c->rec.id, err->msg);
        return 1;       /* pending: done runs once the container is gone */
}

int ctr_rename(struct ctr *c, const char *name, struct ctrd_error *err) {
        const char *n = name[0] == '/' ? name + 1 : name;
        if (!ctr_name_is_valid(n))
                return ctrd_error_set(err, EINVAL, "Invalid container name (%s), only "
                                      "[a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name);
        for (struct ctr *o = c->engine->containers.list; o; o = o->next)
                if (o != c && strcmp(o->rec.name, n) == 0)
                        return ctrd_error_set(err, EEXIST, "Conflict. The container name \"/%s\" is "
                                              "already in use by container \"%s\". You have to remove "
                                              "(or rename) that container to be able to reuse that name.",
                                              n, o->rec.id);
        int r = store_container_rename(c->engine->store, c->rec.id, n, err);
        if (r < 0)
                return r;
        char *copy = strdup(n);
        if (!copy)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        char old[300];
        snprintf(old, sizeof(old), "/%s", c->rec.name);
        free(c->rec.name);
        c->rec.name = copy;
        ctr_list_invalidate(c->engine);
        ctr_event(c, "rename", "oldName", old);
        return 0;
}
