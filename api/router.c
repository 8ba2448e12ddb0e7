#include "router.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Length of the segment starting at s (up to '/' or end). */
static size_t seg_len(const char *s) {
        return strcspn(s, "/");
}

static bool is_param(const char *seg, size_t len) {
        return len >= 2 && seg[0] == '{' && seg[len - 1] == '}';
}

static bool is_greedy(const char *seg, size_t len) {
        return is_param(seg, len) && len >= 3 && seg[len - 2] == '*';
}

static int add_param(struct api_match *m, const char *pat, size_t pat_len,
                     const char *val, size_t val_len) {
        if (m->n_params >= API_MAX_PARAMS)
                return -1;
        char *v = strndup(val, val_len);
        if (!v)
                return -1;
        size_t i = m->n_params++;
        m->params[i].name = pat + 1;
        m->params[i].name_len = pat_len - 2 - (is_greedy(pat, pat_len) ? 1 : 0);
        m->params[i].value = v;
        return 0;
}

/* Counts the '/'-separated segments of s (s starts with '/'). */
static size_t count_segments(const char *s) {
        size_t n = 0;
        for (; *s; s++)
                if (*s == '/')
                        n++;
        return n;
}

/*
 * Matches path against pattern; both start with '/'. Returns 1 on a match,
 * 0 on none, -1 when out of memory. A trailing greedy parameter's suffix is
 * matched by counting the literal segments that must follow it.
 */
static int match_one(const char *pattern, const char *path, struct api_match *m) {
        const char *p = pattern, *s = path;
        while (*p == '/' && *s == '/') {
                p++, s++;
                size_t pl = seg_len(p), sl = seg_len(s);
                if (is_greedy(p, pl)) {
                        /* Leave exactly as many trailing segments as the pattern still has. */
                        size_t after = count_segments(p + pl);
                        const char *end = s + strlen(s);
                        for (size_t k = 0; k < after && end; k++)
                                end = memrchr(s, '/', (size_t) (end - s));
                        if (!end || end == s)
                                return 0;
                        if (add_param(m, p, pl, s, (size_t) (end - s)) < 0)
                                return -1;
                        p += pl;
                        s = end;
                        continue;
                }
                if (sl == 0)
                        return 0;
                if (is_param(p, pl)) {
                        if (add_param(m, p, pl, s, sl) < 0)
                                return -1;
                } else if (pl != sl || memcmp(p, s, pl) != 0) {
                        return 0;
                }
                p += pl;
                s += sl;
        }
        return *p == '\0' && *s == '\0';
}

static bool method_matches(const char *route_method, const char *method) {
        if (strcmp(route_method, method) == 0)
                return true;
        return strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0;
}

enum api_match_result api_route_match(const struct api_route *routes, size_t n_routes,
                                      const char *method, const char *path,
                                      struct api_match *ret) {
        *ret = (struct api_match) { 0 };
        if (!path || path[0] != '/')
                return API_MATCH_NO_ROUTE;
        for (size_t i = 0; i < n_routes; i++) {
                if (!method_matches(routes[i].method, method))
                        continue;
                int r = match_one(routes[i].pattern, path, ret);
                if (r < 0) {
                        api_match_clear(ret);
                        return API_MATCH_OUT_OF_MEMORY;
                }
                if (r > 0) {
                        ret->route = &routes[i];
                        return API_MATCH_FOUND;
                }
                api_match_clear(ret);
        }
        return API_MATCH_NO_ROUTE;
}

void api_match_clear(struct api_match *m) {
        for (size_t i = 0; i < m->n_params; i++)
                free(m->params[i].value);
        *m = (struct api_match) { 0 };
}

const char *api_match_param(const struct api_match *m, const char *name) {
        size_t len = strlen(name);
        for (size_t i = 0; i < m->n_params; i++)
                if (m->params[i].name_len == len && memcmp(m->params[i].name, name, len) == 0)
                        return m->params[i].value;
        return NULL;
}

/* Parses a run of digits into *ret; returns the first char after it, NULL if none or too big. */
static const char *parse_uint(const char *s, unsigned *ret) {
        if (!isdigit((unsigned char) *s))
                return NULL;
        unsigned long v = 0;
        for (; isdigit((unsigned char) *s); s++) {
                v = v * 10 + (unsigned long) (*s - '0');
                if (v > 100000)
                        return NULL;
        }
        *ret = (unsigned) v;
        return s;
}

bool api_split_version(const char *path, struct api_version *ret_version, const char **ret_rest) {
        *ret_rest = path;
        if (!path || path[0] != '/' || path[1] != 'v')
                return false;
        struct api_version v;
        const char *s = parse_uint(path + 2, &v.major);
        if (!s || *s != '.')
                return false;
        s = parse_uint(s + 1, &v.minor);
        if (!s || *s != '/')
                return false;
        *ret_version = v;
        *ret_rest = s;
        return true;
}
