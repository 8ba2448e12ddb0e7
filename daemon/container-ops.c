/*
 * Pause and unpause through the shim's freezer ops, and the thaw that must
 * follow a killing signal sent to a paused container.
 */
#define LOG_SUBSYSTEM "containers"

#include "container-ops.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "cleanup.h"
#include "container-internal.h"
#include "log.h"
#include "signals.h"

/* Freezing waits for every task to stop (about a second at worst in the runtime). */
#define PAUSE_TIMEOUT_MS 5000

int ctr_ops_connect(struct ctr *c, unsigned timeout_ms, struct ctrd_error *err) {
        struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
        _cleanup_close_ int fd = ctrd_shim_connect(c->run_dir, err);
        if (fd < 0)
                return fd;
        /* A timeout turns a stuck shim into EAGAIN instead of a hung loop. */
        if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
                return ctrd_error_sys(err, errno, "setting a timeout on the shim socket of %s",
                                      c->rec.id);
        return TAKE_FD(fd);
}

static bool is_paused(const struct ctr *c) {
        return strcmp(c->rec.state, "paused") == 0;
}

static int freeze(struct ctr *c, bool pause, struct ctrd_error *err) {
        _cleanup_close_ int fd = ctr_ops_connect(c, PAUSE_TIMEOUT_MS, err);
        int r = fd < 0 ? fd : ctrd_shim_pause(fd, pause, err);
        if (r < 0)
                return ctrd_error_wrap(err, "%s container %s", pause ? "pausing" : "unpausing",
                                       c->rec.id);
        return 0;
}

/* Records the new state; if that fails the freezer is put back, so record and cgroup agree. */
static int set_paused(struct ctr *c, bool pause, struct ctrd_error *err) {
        ctr_set_state(c, pause ? "paused" : "running");
        int r = ctr_save(c, err);
        if (r < 0) {
                ctr_set_state(c, pause ? "running" : "paused");
                (void) freeze(c, !pause, NULL);
                return ctrd_error_wrap(err, "saving the state of container %s", c->rec.id);
        }
        ctr_event(c, pause ? "pause" : "unpause", NULL, NULL);
        log_info("container %s %s", c->rec.id, pause ? "paused" : "unpaused");
        return 0;
}

int ctr_pause(struct ctr *c, struct ctrd_error *err) {
        if (strcmp(c->rec.state, "restarting") == 0)
                return ctrd_error_set(err, EBUSY, "Container %s is restarting, wait until the container "
                                      "is running", c->rec.id);
        if (!ctr_is_running(c))
                return ctrd_error_set(err, EBUSY, "Container %s is not running", c->rec.id);
        if (is_paused(c))
                return ctrd_error_set(err, EBUSY, "Container %s is already paused", c->rec.id);
        int r = freeze(c, true, err);
        return r < 0 ? r : set_paused(c, true, err);
}

int ctr_unpause(struct ctr *c, struct ctrd_error *err) {
        if (!is_paused(c))
                return ctrd_error_set(err, EBUSY, "Container %s is not paused", c->rec.id);
        int r = freeze(c, false, err);
        return r < 0 ? r : set_paused(c, false, err);
}

void ctr_ops_after_kill(struct ctr *c, int signo) {
        struct ctrd_error err = { 0 };
        if (!is_paused(c))
                return;
        /* dockerd thaws for SIGKILL, for the configured stop signal, and for any signal
         * when none is configured; other signals stay pending until an unpause. */
        const char *cfg = ctr_json_str(ctr_config(c), "StopSignal", "");
        if (signo != SIGKILL && *cfg && signal_from_string(cfg) != signo)
                return;
        if (freeze(c, false, &err) < 0 || set_paused(c, false, &err) < 0)
                log_warning("container %s: %s", c->rec.id, err.msg);
}
