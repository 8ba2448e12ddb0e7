/* Typed, Docker-worded access to create bodies; see ctr-json.h. */
#include "ctr-json.h"

#include <errno.h>
#include <string.h>

static const char *const go_types[] = {
        [CTR_J_STRING] = "string",           [CTR_J_BOOL] = "bool",
        [CTR_J_INT] = "int64",               [CTR_J_STRV] = "[]string",
        [CTR_J_STRSLICE] = "strslice.StrSlice", [CTR_J_STRMAP] = "map[string]string",
        [CTR_J_OBJECT] = "object",           [CTR_J_ARRAY] = "array",
};

/* Go names the JSON side of a mismatch by its JSON type ("number 1.5" for a fraction). */
static const char *json_type_word(json_t *v, char buf[static 64]) {
        switch (json_typeof(v)) {
        case JSON_OBJECT: return "object";
        case JSON_ARRAY: return "array";
        case JSON_STRING: return "string";
        case JSON_INTEGER: return "number";
        case JSON_REAL:
                snprintf(buf, 64, "number %g", json_real_value(v));
                return buf;
        case JSON_TRUE:
        case JSON_FALSE: return "bool";
        default: return "null";
        }
}

static int mismatch(json_t *v, const char *go_type, const char *field, struct ctrd_error *err) {
        char buf[64];
        return ctrd_error_set(err, EINVAL,
                              "json: cannot unmarshal %s into Go struct field %s of type %s",
                              json_type_word(v, buf), field, go_type);
}

/* The first element of a list or map that is not a string, or NULL. */
static json_t *non_string(json_t *v) {
        json_t *e;
        size_t i;
        const char *k;

        if (json_is_array(v)) {
                json_array_foreach(v, i, e)
                        if (!json_is_string(e))
                                return e;
                return NULL;
        }
        json_object_foreach(v, k, e)
                if (!json_is_string(e))
                        return e;
        return NULL;
}

int ctr_jcheck(json_t *v, enum ctr_jkind kind, const char *field, struct ctrd_error *err) {
        bool ok;

        if (!v || json_is_null(v))
                return 0;
        switch (kind) {
        case CTR_J_STRING: ok = json_is_string(v); break;
        case CTR_J_BOOL: ok = json_is_boolean(v); break;
        case CTR_J_INT: ok = json_is_integer(v); break;
        case CTR_J_STRSLICE: ok = json_is_string(v) || json_is_array(v); break;
        case CTR_J_STRV: ok = json_is_array(v); break;
        case CTR_J_STRMAP:
        case CTR_J_OBJECT: ok = json_is_object(v); break;
        case CTR_J_ARRAY: ok = json_is_array(v); break;
        default: ok = false;
        }
        if (!ok)
                return mismatch(v, go_types[kind], field, err);
        /* Go names the element that does not fit: "number into ... field Config.Env of type
         * string". */
        json_t *bad = NULL;
        if ((kind == CTR_J_STRSLICE && json_is_array(v)) || kind == CTR_J_STRV ||
            kind == CTR_J_STRMAP)
                bad = non_string(v);
        return bad ? mismatch(bad, "string", field, err) : 0;
}

json_t *ctr_jget(json_t *obj, const char *key) {
        json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
        return json_is_null(v) ? NULL : v;
}

bool ctr_jis_default(json_t *v) {
        if (!v || json_is_null(v) || json_is_false(v))
                return true;
        if (json_is_string(v))
                return json_string_length(v) == 0;
        if (json_is_integer(v))
                return json_integer_value(v) == 0;
        if (json_is_array(v))
                return json_array_size(v) == 0;
        if (json_is_object(v))
                return json_object_size(v) == 0;
        return false;
}

static json_t *default_value(const struct ctr_field *f) {
        if (f->flags & CTR_F_NULLABLE)
                return json_null();
        switch (f->kind) {
        case CTR_J_STRING: return json_string("");
        case CTR_J_BOOL: return json_false();
        case CTR_J_INT: return json_integer(0);
        case CTR_J_STRMAP:
        case CTR_J_OBJECT: return f->flags & CTR_F_EMPTY ? json_object() : json_null();
        default: return f->flags & CTR_F_EMPTY ? json_array() : json_null();
        }
}

static int copy_field(json_t *in, const char *struct_name, const struct ctr_field *f,
                      json_t *out, struct ctrd_error *err) {
        char name[128];
        json_t *v = ctr_jget(in, f->name), *copy;
        int r;

        snprintf(name, sizeof(name), "%s.%s", struct_name, f->name);
        if ((r = ctr_jcheck(v, f->kind, name, err)) < 0)
                return r;
        if ((f->flags & CTR_F_UNSUPPORTED) && !ctr_jis_default(v))
                return ctrd_error_set(err, EINVAL, "%s is not supported by ctrd", name);
        if ((f->flags & CTR_F_OMITEMPTY) && ctr_jis_default(v))
                return 0;
        if (!v)
                copy = default_value(f);
        else if (f->kind == CTR_J_STRSLICE && json_is_string(v))
                copy = json_pack("[O]", v);
        else
                copy = json_deep_copy(v);
        return ctr_jset_new(out, f->name, copy);
}

int ctr_jcopy_fields(json_t *in, const char *struct_name, const struct ctr_field *fields,
                     size_t n, json_t *out, struct ctrd_error *err) {
        for (size_t i = 0; i < n; i++) {
                int r = copy_field(in, struct_name, &fields[i], out, err);
                if (r == -ENOMEM)
                        return ctrd_error_set(err, ENOMEM, "out of memory");
                if (r < 0)
                        return r;
        }
        return 0;
}

int ctr_jset(json_t *obj, const char *key, json_t *v) {
        return json_object_set(obj, key, v ? v : json_null()) < 0 ? -ENOMEM : 0;
}

int ctr_jset_new(json_t *obj, const char *key, json_t *v) {
        if (!v)
                return -ENOMEM;
        return json_object_set_new(obj, key, v) < 0 ? -ENOMEM : 0;
}

const char *ctr_jstr(json_t *obj, const char *key) {
        const char *s = json_string_value(ctr_jget(obj, key));
        return s ? s : "";
}

int64_t ctr_jint(json_t *obj, const char *key) {
        return json_integer_value(ctr_jget(obj, key));
}

bool ctr_jbool(json_t *obj, const char *key) {
        return json_is_true(ctr_jget(obj, key));
}
