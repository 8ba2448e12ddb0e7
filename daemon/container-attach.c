/*
 * Attaching clients to a container's stdio. A running container's shim gets
 * the client socket at once (SCM_RIGHTS); a created one keeps it until the
 * start, which hands it to the new shim as --attach, so a `docker run` that
 * attaches first sees even the first byte of output.
 */
#define LOG_SUBSYSTEM "containers"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "container-internal.h"
#include "container-ops.h"
#include "log.h"
#include "shim-client.h"

int ctr_attach(struct ctr *c, int client_fd, bool in, bool out, bool err_stream,
               struct ctrd_error *err) {
        _cleanup_close_ int fd = client_fd;
        if (!in && !out && !err_stream)
                return 0;       /* nothing to stream: the client just gets EOF */
        /* Created, or being started: the client joins at (or right after) the start. */
        if (strcmp(c->rec.state, "created") == 0) {
                if (c->n_early_attach == SHIM_SPAWN_MAX_ATTACH)
                        return ctrd_error_set(err, EBUSY, "too many clients attached to %s before its start",
                                              c->rec.id);
                c->early_attach[c->n_early_attach++] = (struct shim_spawn_attach) {
                        .fd = TAKE_FD(fd), .in = in, .out = out, .err = err_stream,
                };
                return 0;
        }
        if (!ctr_is_running(c))
                return ctrd_error_set(err, EBUSY, "You cannot attach to a stopped container, start it first");
        _cleanup_close_ int ctl = ctr_ops_connect(c, SHIM_CALL_TIMEOUT_MS, err);
        if (ctl < 0)
                return ctrd_error_wrap(err, "attaching to %s", c->rec.id);
        bool stdin_once = json_is_true(json_object_get(ctr_config(c), "StdinOnce"));
        int r = ctrd_shim_attach(ctl, fd, in, out, err_stream, stdin_once, err);
        if (r < 0)
                return ctrd_error_wrap(err, "attaching to %s", c->rec.id);
        ctr_event(c, "attach", NULL, NULL);
        return 0;
}

void ctr_early_attach_flush(struct ctr *c) {
        size_t n = c->n_early_attach;
        c->n_early_attach = 0;
        for (size_t i = 0; i < n; i++) {
                struct shim_spawn_attach *a = &c->early_attach[i];
                struct ctrd_error err = { 0 };
                if (ctr_attach(c, a->fd, a->in, a->out, a->err, &err) < 0)
                        log_warning("container %s: %s", c->rec.id, err.msg);
        }
}

void ctr_early_attach_close(struct ctr *c) {
        for (size_t i = 0; i < c->n_early_attach; i++)
                safe_close(c->early_attach[i].fd);
        c->n_early_attach = 0;
}

int ctr_resize(struct ctr *c, unsigned rows, unsigned cols, struct ctrd_error *err) {
        if (!ctr_is_running(c))
                return ctrd_error_set(err, EBUSY, "Container %s is not running", c->rec.id);
        _cleanup_close_ int ctl = ctr_ops_connect(c, SHIM_CALL_TIMEOUT_MS, err);
        if (ctl < 0)
                return ctl;
        return ctrd_shim_resize(ctl, rows, cols, err);
}
