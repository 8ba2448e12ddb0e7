#include "spec-json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

/* A field name longer than the buffer is cut; it still names the field well enough. */
const char *rt_jfield(char buf[static RT_FIELD_MAX], const char *path, const char *key) {
        if (snprintf(buf, RT_FIELD_MAX, "%s%s%s", path, *path ? "." : "", key) >= RT_FIELD_MAX)
                buf[RT_FIELD_MAX - 1] = '\0';
        return buf;
}

const char *rt_jindex(char buf[static RT_FIELD_MAX], const char *path, size_t i) {
        if (snprintf(buf, RT_FIELD_MAX, "%s[%zu]", path, i) >= RT_FIELD_MAX)
                buf[RT_FIELD_MAX - 1] = '\0';
        return buf;
}

int rt_jkeys(json_t *obj, const char *path, const char *const *allowed, struct ctrd_error *err) {
        const char *key;
        json_t *v;
        char f[RT_FIELD_MAX];

        json_object_foreach(obj, key, v) {
                bool ok = false;
                for (const char *const *a = allowed; *a && !ok; a++)
                        ok = strcmp(*a, key) == 0;
                if (!ok)
                        return ctrd_error_set(err, EOPNOTSUPP, "%s: unsupported field",
                                              rt_jfield(f, path, key));
        }
        return 0;
}

/* The value at key, NULL when absent or null; -ENOENT-style error when required. */
static int lookup(json_t *obj, const char *path, const char *key, bool required, json_t **ret,
                  struct ctrd_error *err) {
        char f[RT_FIELD_MAX];
        json_t *v = json_object_get(obj, key);

        if (v && json_is_null(v))
                v = NULL;
        if (!v && required)
                return ctrd_error_set(err, EINVAL, "%s: missing", rt_jfield(f, path, key));
        *ret = v;
        return 0;
}

static int type_error(const char *path, const char *key, const char *what,
                      struct ctrd_error *err) {
        char f[RT_FIELD_MAX];
        return ctrd_error_set(err, EINVAL, "%s: expected %s", rt_jfield(f, path, key), what);
}

int rt_jobject(json_t *obj, const char *path, const char *key, bool required, json_t **ret,
               struct ctrd_error *err) {
        json_t *v;
        int r = lookup(obj, path, key, required, &v, err);
        if (r < 0 || !v)
                return r;
        if (!json_is_object(v))
                return type_error(path, key, "object", err);
        *ret = v;
        return 1;
}

int rt_jarray(json_t *obj, const char *path, const char *key, bool required, json_t **ret,
              struct ctrd_error *err) {
        json_t *v;
        int r = lookup(obj, path, key, required, &v, err);
        if (r < 0 || !v)
                return r;
        if (!json_is_array(v))
                return type_error(path, key, "array", err);
        *ret = v;
        return 1;
}

int rt_jstring(json_t *obj, const char *path, const char *key, bool required, char **ret,
               struct ctrd_error *err) {
        json_t *v;
        int r = lookup(obj, path, key, required, &v, err);
        if (r < 0 || !v)
                return r;
        if (!json_is_string(v))
                return type_error(path, key, "string", err);
        char *s = strdup(json_string_value(v));
        if (!s)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        free(*ret);
        *ret = s;
        return 1;
}

int rt_jbool(json_t *obj, const char *path, const char *key, bool *ret, struct ctrd_error *err) {
        json_t *v;
        int r = lookup(obj, path, key, false, &v, err);
        if (r < 0 || !v)
                return r;
        if (!json_is_boolean(v))
                return type_error(path, key, "boolean", err);
        *ret = json_is_true(v);
        return 1;
}

int rt_jint(json_t *obj, const char *path, const char *key, bool required, int64_t min,
            int64_t max, int64_t *ret, struct ctrd_error *err) {
        char f[RT_FIELD_MAX];
        json_t *v;
        int r = lookup(obj, path, key, required, &v, err);
        if (r < 0 || !v)
                return r;
        if (!json_is_integer(v))
                return type_error(path, key, "integer", err);
        json_int_t n = json_integer_value(v);
        if (n < min || n > max)
                return ctrd_error_set(err, ERANGE, "%s: %lld out of range [%lld, %lld]",
                                      rt_jfield(f, path, key), (long long) n, (long long) min,
                                      (long long) max);
        *ret = n;
        return 1;
}

int rt_juint(json_t *obj, const char *path, const char *key, bool required, uint64_t max,
             uint64_t *ret, struct ctrd_error *err) {
        int64_t n;
        int r = rt_jint(obj, path, key, required, 0, max > INT64_MAX ? INT64_MAX : (int64_t) max,
                        &n, err);
        if (r > 0)
                *ret = (uint64_t) n;
        return r;
}

int rt_jstrv(json_t *obj, const char *path, const char *key, bool required, char ***ret,
             struct ctrd_error *err) {
        char f[RT_FIELD_MAX], fi[RT_FIELD_MAX];
        json_t *a = NULL, *v;
        size_t i;
        int r = rt_jarray(obj, path, key, required, &a, err);
        if (r <= 0)
                return r;

        _cleanup_strv_free_ char **l = calloc(json_array_size(a) + 1, sizeof(char *));
        if (!l)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        json_array_foreach(a, i, v) {
                if (!json_is_string(v))
                        return ctrd_error_set(err, EINVAL, "%s: expected string",
                                              rt_jindex(fi, rt_jfield(f, path, key), i));
                l[i] = strdup(json_string_value(v));
                if (!l[i])
                        return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        strv_free(*ret);
        *ret = TAKE_PTR(l);
        return 1;
}
