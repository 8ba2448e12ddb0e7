/*
 * GET /containers/json: all, limit, filters (status, name, id, label,
 * ancestor, exited). Filters arrive as {"key":{"value":true}} (or the older
 * {"key":["value"]}); a container must match one value of every key.
 */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/containers.h"
#include "daemon/engine.h"
#include "handlers.h"
#include "string-util.h"

static const char *const known_filters[] = {
        "status", "name", "id", "label", "ancestor", "exited",
};

/* Calls fn for each value of filter key; returns true if any value matched. */
static bool any_value(json_t *filters, const char *key, bool (*fn)(struct ctr *, const char *),
                      struct ctr *c) {
        json_t *vals = json_object_get(filters, key);
        const char *k;
        json_t *v;
        size_t i;
        if (json_is_object(vals)) {
                json_object_foreach(vals, k, v)
                        if (fn(c, k))
                                return true;
        } else if (json_is_array(vals)) {
                json_array_foreach(vals, i, v)
                        if (json_is_string(v) && fn(c, json_string_value(v)))
                                return true;
        }
        return false;
}

static bool match_status(struct ctr *c, const char *v) {
        return strcmp(c->rec.state, v) == 0;
}

static bool match_id(struct ctr *c, const char *v) {
        return ctrd_startswith(c->rec.id, v);
}

/* Docker matches names as a regular expression against "/name". */
static bool match_name(struct ctr *c, const char *v) {
        regex_t re;
        if (regcomp(&re, v, REG_EXTENDED | REG_NOSUB) != 0)
                return strstr(c->rec.name, v) != NULL;
        char slashed[300];
        snprintf(slashed, sizeof(slashed), "/%s", c->rec.name);
        bool m = regexec(&re, slashed, 0, NULL, 0) == 0;
        regfree(&re);
        return m;
}

static bool match_label(struct ctr *c, const char *v) {
        json_t *labels = json_object_get(ctr_config(c), "Labels");
        const char *eq = strchr(v, '=');
        if (!eq)
                return json_object_get(labels, v) != NULL;
        char key[256];
        snprintf(key, sizeof(key), "%.*s", (int) (eq - v), v);
        const char *have = json_string_value(json_object_get(labels, key));
        return have && strcmp(have, eq + 1) == 0;
}

static bool match_ancestor(struct ctr *c, const char *v) {
        return strcmp(c->rec.image, v) == 0 || strcmp(c->rec.image_id, v) == 0 ||
               (ctrd_startswith(c->rec.image_id, "sha256:") && ctrd_startswith(c->rec.image_id + 7, v));
}

static bool match_exited(struct ctr *c, const char *v) {
        int64_t code;
        return strcmp(c->rec.state, "exited") == 0 && ctrd_parse_int64(v, INT32_MIN, INT32_MAX, &code) == 0 &&
               code == c->rec.exit_code;
}

static bool matches(json_t *filters, struct ctr *c) {
        static const struct {
                const char *key;
                bool (*fn)(struct ctr *, const char *);
        } table[] = {
                { "status", match_status }, { "id", match_id }, { "name", match_name },
                { "label", match_label }, { "ancestor", match_ancestor }, { "exited", match_exited },
        };
        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
                if (json_object_get(filters, table[i].key) && !any_value(filters, table[i].key, table[i].fn, c))
                        return false;
        return true;
}

static int parse_filters(struct api_request *req, json_t **ret) {
        const char *s = api_request_query(req, "filters");
        *ret = NULL;
        if (!s || !*s)
                return 0;
        json_error_t jerr;
        json_t *f = json_loads(s, 0, &jerr);
        if (!json_is_object(f)) {
                json_decref(f);
                api_reply_error(req, 400, "invalid filter: %s", s);
                return -EINVAL;
        }
        const char *k;
        json_t *v;
        json_object_foreach(f, k, v) {
                bool known = false;
                for (size_t i = 0; i < sizeof(known_filters) / sizeof(known_filters[0]); i++)
                        known = known || strcmp(k, known_filters[i]) == 0;
                if (!known) {
                        api_reply_error(req, 400, "invalid filter '%s'", k);
                        json_decref(f);
                        return -EINVAL;
                }
        }
        *ret = f;
        return 0;
}

struct list_query {
        bool all;
        json_t *filters;
};

static bool keep(struct ctr *c, void *userdata) {
        const struct list_query *q = userdata;
        if (!q->all && !ctr_is_running(c) && strcmp(c->rec.state, "restarting") != 0)
                return false;
        return !q->filters || matches(q->filters, c);
}

void api_handle_container_list(struct api_request *req) {
        struct ctrd_engine *e = api_request_engine(req);
        bool all = ctrd_parse_query_bool(api_request_query(req, "all"));
        const char *ls = api_request_query(req, "limit");
        int64_t limit = -1;
        if (ls && *ls && ctrd_parse_int64(ls, INT32_MIN, INT32_MAX, &limit) < 0) {
                api_reply_error(req, 400, "strconv.Atoi: parsing \"%s\": invalid syntax", ls);
                return;
        }
        json_t *filters = NULL;
        if (parse_filters(req, &filters) < 0)
                return;
        /* A limit or a status filter shows stopped containers too, as in Docker. */
        if (limit > 0 || json_object_get(filters, "status") || json_object_get(filters, "exited"))
                all = true;
        struct list_query q = { .all = all, .filters = filters };
        char *buf = NULL;
        size_t len = 0;
        int r = ctr_list_text(e, keep, &q, limit, &buf, &len);
        json_decref(filters);
        if (r < 0) {
                api_reply_error(req, 500, "out of memory");
                return;
        }
        api_reply_text(req, 200, "application/json", buf, len);
        free(buf);
}
