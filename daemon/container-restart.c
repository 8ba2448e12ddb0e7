#define LOG_SUBSYSTEM "containers"

#include "container-restart.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "container-internal.h"
#include "human-duration.h"
#include "log.h"

#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 60000
#define RESET_AFTER_S 10

struct ctr_restart {
        uv_timer_t timer;
        struct ctr *c;
};

static json_t *policy(struct ctr *c) {
        return json_object_get(ctr_host(c), "RestartPolicy");
}

static const char *policy_name(struct ctr *c) {
        const char *n = json_string_value(json_object_get(policy(c), "Name"));
        return n && *n ? n : "no";
}

bool ctr_restart_wanted(struct ctr *c) {
        const char *name = policy_name(c);
        if (c->rec.manually_stopped || c->removal_pending)
                return false;
        if (strcmp(name, "always") == 0 || strcmp(name, "unless-stopped") == 0)
                return true;
        if (strcmp(name, "on-failure") != 0 || c->rec.exit_code == 0)
                return false;
        json_int_t max = json_integer_value(json_object_get(policy(c), "MaximumRetryCount"));
        return max <= 0 || c->rec.restart_count < max;
}

static void on_restart_closed(uv_handle_t *h) {
        free(h->data);
}

static void restart_free(struct ctr *c) {
        if (!c->restart)
                return;
        uv_timer_stop(&c->restart->timer);
        uv_close((uv_handle_t *) &c->restart->timer, on_restart_closed);
        c->restart = NULL;
}

static void on_restarted(int r, const struct ctrd_error *err, void *userdata) {
        struct ctr *c = userdata;
        if (r < 0 && ctr_restart_wanted(c))
                ctr_restart_schedule(c);        /* a failed start counts as another exit */
}

static void on_restart_timer(uv_timer_t *t) {
        struct ctr_restart *rs = t->data;
        struct ctr *c = rs->c;
        restart_free(c);
        ctr_set_state(c, "exited");
        c->rec.restart_count++;
        struct ctrd_error err = { 0 };
        if (ctr_start(c, on_restarted, c, &err) < 0) {
                log_warning("container %s: restart failed: %s", c->rec.id, err.msg);
                if (ctr_restart_wanted(c))
                        ctr_restart_schedule(c);
        }
}

/* 100 ms doubling per restart since the last run that lasted RESET_AFTER_S. */
static uint64_t backoff_ms(struct ctr *c) {
        int64_t started = 0, finished = 0;
        if (ctrd_parse_rfc3339(c->rec.started_at, &started) == 0 &&
            ctrd_parse_rfc3339(c->rec.finished_at, &finished) == 0 &&
            finished - started >= RESET_AFTER_S)
                c->restart_streak = 0;
        uint64_t ms = BACKOFF_FIRST_MS;
        for (unsigned i = 0; i < c->restart_streak && ms < BACKOFF_MAX_MS; i++)
                ms *= 2;
        c->restart_streak++;
        return ms < BACKOFF_MAX_MS ? ms : BACKOFF_MAX_MS;
}

void ctr_restart_schedule(struct ctr *c) {
        if (c->restart)
                return;
        struct ctr_restart *rs = calloc(1, sizeof(*rs));
        if (!rs) {
                log_error("container %s: out of memory scheduling its restart", c->rec.id);
                return;
        }
        rs->c = c;
        rs->timer.data = rs;
        uv_timer_init(c->engine->loop, &rs->timer);
        c->restart = rs;
        ctr_set_state(c, "restarting");
        struct ctrd_error err = { 0 };
        if (ctr_save(c, &err) < 0)
                log_error("container %s: %s", c->rec.id, err.msg);
        uint64_t ms = backoff_ms(c);
        log_info("container %s: restarting in %llu ms (policy %s)", c->rec.id,
                 (unsigned long long) ms, policy_name(c));
        uv_timer_start(&rs->timer, on_restart_timer, ms, 0);
}

void ctr_restart_drop(struct ctr *c) {
        restart_free(c);
}

void ctr_restart_cancel(struct ctr *c) {
        if (!c->restart)
                return;
        restart_free(c);
        ctr_set_state(c, "exited");
        ctr_save(c, NULL);
}

static void start_on_boot(struct ctr *c) {
        const char *name = policy_name(c);
        bool start = strcmp(name, "always") == 0 ||
                     (strcmp(name, "unless-stopped") == 0 && !c->rec.manually_stopped);
        if (!start)
                return;
        if (strcmp(c->rec.state, "restarting") == 0)
                ctr_set_state(c, "exited");
        struct ctrd_error err = { 0 };
        log_info("container %s: starting it again (restart policy %s)", c->rec.id, name);
        if (ctr_start(c, NULL, NULL, &err) < 0)
                log_warning("container %s: %s", c->rec.id, err.msg);
}

void ctr_restart_on_boot(struct ctrd_engine *e) {
        for (struct ctr *c = e->containers.list; c; c = c->next) {
                if (ctr_is_running(c) || strcmp(c->rec.state, "created") == 0)
                        continue;
                start_on_boot(c);
                ctr_parsed_release(c);
        }
}
