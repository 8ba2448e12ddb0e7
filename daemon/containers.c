/* The container registry: loading at start, lookup, linking, records. */
#define LOG_SUBSYSTEM "containers"

#include "container-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "container-exec.h"
#include "container-restart.h"
#include "fs-util.h"
#include "log.h"
#include "shim-watch.h"
#include "store/store.h"

const char *ctr_json_str(json_t *o, const char *key, const char *def) {
        const char *s = json_string_value(json_object_get(o, key));
        return s ? s : def;
}

int ctr_set_state(struct ctr *c, const char *state) {
        char *s = strdup(state);
        if (!s)
                return -ENOMEM;
        free(c->rec.state);
        c->rec.state = s;
        return 0;
}

void ctr_event(struct ctr *c, const char *action, const char *extra_key, const char *extra_value) {
        json_t *attrs = json_object();
        json_t *labels = json_object_get(ctr_config(c), "Labels");
        if (json_is_object(labels))
                json_object_update(attrs, labels);
        json_object_set_new(attrs, "name", json_string(c->rec.name));
        json_object_set_new(attrs, "image", json_string(c->rec.image));
        if (extra_key)
                json_object_set_new(attrs, extra_key, json_string(extra_value));
        events_emit(c->engine, "container", action, c->rec.id, attrs);
}

bool ctr_is_running(const struct ctr *c) {
        return strcmp(c->rec.state, "running") == 0 || strcmp(c->rec.state, "paused") == 0;
}

int ctr_save(struct ctr *c, struct ctrd_error *err) {
        ctr_list_invalidate(c->engine);
        return store_container_update_state(c->engine->store, &c->rec, err);
}

void ctr_list_invalidate(struct ctrd_engine *e) {
        e->containers.generation++;
}

void ctr_link(struct ctrd_engine *e, struct ctr *c) {
        c->list_generation = UINT64_MAX;
        c->next = e->containers.list;
        if (c->next)
                c->next->prev = c;
        e->containers.list = c;
        e->containers.count++;
}

/*
 * Why parse on demand and drop at the loop's prepare phase: each use is a
 * short synchronous read (inspect, a list entry, a start, an event), so
 * between callbacks nobody can hold a pointer into a tree; the prepare
 * callback runs exactly then, before the loop blocks for I/O. Dropping there
 * keeps the callers borrowing (no reference counting at ~50 call sites) and
 * a start, which reads both trees a dozen times, parses each once. The
 * manager keeps the containers with trees on a list, so the release is
 * O(parsed), not O(containers).
 */
void ctr_parsed_release(struct ctr *c) {
        struct ctr_manager *m = &c->engine->containers;
        if (!c->parsed_config && !c->parsed_host)
                return;
        if (c->parsed_prev)
                c->parsed_prev->parsed_next = c->parsed_next;
        else
                m->parsed = c->parsed_next;
        if (c->parsed_next)
                c->parsed_next->parsed_prev = c->parsed_prev;
        c->parsed_prev = c->parsed_next = NULL;
        json_decref(c->parsed_config);
        json_decref(c->parsed_host);
        c->parsed_config = c->parsed_host = NULL;
}

static void on_release(uv_prepare_t *h) {
        struct ctr_manager *m = h->data;
        while (m->parsed)
                ctr_parsed_release(m->parsed);
        uv_prepare_stop(h);
}

/* The cached tree in *slot, or text parsed; c goes on the parsed list with its first tree. */
static json_t *parsed(struct ctr *c, json_t **slot, const char *text, const char *what) {
        struct ctr_manager *m = &c->engine->containers;
        if (*slot)
                return *slot;
        json_error_t jerr;
        json_t *tree = json_loads(text, 0, &jerr);
        if (!tree) {
                log_error("container %s: parsing its stored %s: %s", c->rec.id, what, jerr.text);
                return NULL;
        }
        if (!c->parsed_config && !c->parsed_host) {
                c->parsed_prev = NULL;
                c->parsed_next = m->parsed;
                if (m->parsed)
                        m->parsed->parsed_prev = c;
                m->parsed = c;
                if (m->release)
                        uv_prepare_start(m->release, on_release);
        }
        *slot = tree;
        return tree;
}

json_t *ctr_config(struct ctr *c) {
        return parsed(c, &c->parsed_config, c->rec.config, "Config");
}

json_t *ctr_host(struct ctr *c) {
        return parsed(c, &c->parsed_host, c->rec.host_config, "HostConfig");
}

static void on_release_closed(uv_handle_t *h) {
        free(h);
}

static int release_init(struct ctrd_engine *e, struct ctrd_error *err) {
        uv_prepare_t *h = calloc(1, sizeof(*h));
        if (!h)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        uv_prepare_init(e->loop, h);
        /* Only ever started while trees are parsed: it must not keep the loop alive. */
        uv_unref((uv_handle_t *) h);
        h->data = &e->containers;
        e->containers.release = h;
        return 0;
}

static void release_close(struct ctr_manager *m) {
        if (!m->release)
                return;
        uv_close((uv_handle_t *) m->release, on_release_closed);
        m->release = NULL;
}

void ctr_unlink_free(struct ctr *c) {
        struct ctr_manager *m = &c->engine->containers;
        if (c->prev)
                c->prev->next = c->next;
        else if (m->list == c)
                m->list = c->next;
        if (c->next)
                c->next->prev = c->prev;
        m->count--;
        shim_watch_cancel(c->watch);
        ctr_restart_drop(c);
        ctr_early_attach_close(c);
        ctr_parsed_release(c);
        store_container_clear(&c->rec);
        free(c->dir);
        free(c->run_dir);
        free(c->list_text);
        free(c);
}

static bool json_parses(const char *text) {
        json_t *t = json_loads(text, 0, NULL);
        json_decref(t);
        return t != NULL;
}

int ctr_from_record(struct ctrd_engine *e, struct store_container *rec, struct ctr **ret,
                    struct ctrd_error *err) {
        _cleanup_free_ struct ctr *c = calloc(1, sizeof(*c));
        if (!c)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        c->engine = e;
        /* Checked once here, so that a later parse can fail only for memory. Not
         * kept: a load of N containers must not hold N trees at once. */
        if (!json_parses(rec->config) || !json_parses(rec->host_config))
                return ctrd_error_set(err, EPROTO, "container %s: stored configuration is not JSON",
                                      rec->id);
        if (asprintf(&c->dir, "%s/containers/%s", e->data_root, rec->id) < 0 ||
            asprintf(&c->run_dir, "%s/containers/%s", e->run_root, rec->id) < 0) {
                free(c->dir);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        c->rec = *rec;
        *rec = (struct store_container) { 0 };
        *ret = TAKE_PTR(c);
        return 0;
}

int ctr_manager_load(struct ctrd_engine *e, struct ctrd_error *err) {
        _cleanup_free_ char *data_dir = NULL, *run_dir = NULL;
        if (asprintf(&data_dir, "%s/containers", e->data_root) < 0 ||
            asprintf(&run_dir, "%s/containers", e->run_root) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        int r = ctrd_mkdir_p(data_dir, 0700, err);
        if (r >= 0)
                r = ctrd_mkdir_p(run_dir, 0700, err);
        if (r < 0)
                return r;

        struct store_container *l = NULL;
        size_t n = 0;
        r = store_container_list(e->store, &l, &n, err);
        if (r >= 0)
                r = release_init(e, err);
        if (r < 0) {
                store_container_list_free(l, n);
                return r;
        }
        /* The list is newest first; link oldest first so the engine's list is newest first too. */
        for (size_t i = n; i-- > 0;) {
                struct ctr *c = NULL;
                r = ctr_from_record(e, &l[i], &c, err);
                if (r < 0) {
                        log_error("%s; skipping it", err->msg);
                        continue;
                }
                ctr_link(e, c);
                if (strcmp(c->rec.state, "removing") == 0) {
                        /* A removal cut short by a daemon stop: Docker shows these as dead. */
                        ctr_set_state(c, "dead");
                        ctr_save(c, NULL);
                } else if (ctr_is_running(c) && ctr_watch(c, err) < 0) {
                        log_error("container %s: %s", c->rec.id, err->msg);
                }
        }
        store_container_list_free(l, n);
        log_info("loaded %zu containers", e->containers.count);
        ctr_restart_on_boot(e);
        return 0;
}

void ctr_manager_free(struct ctrd_engine *e) {
        ctr_exec_forget(e, NULL);
        while (e->containers.list)
                ctr_unlink_free(e->containers.list);
        release_close(&e->containers);
}

int ctr_lookup(struct ctrd_engine *e, const char *name, struct ctr **ret, struct ctrd_error *err) {
        const char *plain = name[0] == '/' ? name + 1 : name;
        size_t len = strlen(plain);
        struct ctr *prefix_match = NULL;
        int prefix_matches = 0;
        if (len == 0)
                return ctrd_error_set(err, ENOENT, "No such container: %s", name);
        for (struct ctr *c = e->containers.list; c; c = c->next) {
                if (strcmp(c->rec.id, plain) == 0 || strcmp(c->rec.name, plain) == 0) {
                        *ret = c;
                        return 0;
                }
                if (strncmp(c->rec.id, plain, len) == 0) {
                        prefix_match = c;
                        prefix_matches++;
                }
        }
        if (prefix_matches == 1) {
                *ret = prefix_match;
                return 0;
        }
        if (prefix_matches > 1)
                return ctrd_error_set(err, EINVAL, "multiple IDs found with provided prefix: %s", plain);
        return ctrd_error_set(err, ENOENT, "No such container: %s", name);
}

bool ctr_image_in_use(void *engine, const char *image_id, char **ret_container) {
        struct ctrd_engine *e = engine;
        for (struct ctr *c = e->containers.list; c; c = c->next)
                if (strcmp(c->rec.image_id, image_id) == 0) {
                        if (ret_container)
                                *ret_container = strdup(c->rec.id);
                        return true;
                }
        return false;
}
