/*
 * Typed access to a Docker create body. Docker decodes it with Go's
 * encoding/json, so a value of the wrong type fails the whole request with
 * "json: cannot unmarshal <json type> into Go struct field <Struct>.<Field>
 * of type <Go type>"; we answer with the same sentence so a user sees which
 * field is wrong. JSON null counts as absent everywhere, and keys we do not
 * know are ignored, as Docker ignores them.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum ctr_jkind {
        CTR_J_STRING,
        CTR_J_BOOL,
        CTR_J_INT,
        CTR_J_STRV,             /* []string */
        CTR_J_STRSLICE,         /* []string, or one string (Docker's strslice: Cmd, Entrypoint) */
        CTR_J_STRMAP,           /* map[string]string */
        CTR_J_OBJECT,           /* a struct or a map of anything */
        CTR_J_ARRAY,            /* a list of structs, checked by the caller */
};

/* Field flags for ctr_jcopy_fields(). */
enum {
        CTR_F_EMPTY = 1 << 0,       /* absent lists/maps become []/{} instead of null */
        CTR_F_OMITEMPTY = 1 << 1,   /* absent or default values are not written at all */
        CTR_F_UNSUPPORTED = 1 << 2, /* a non-default value is a 400 naming the field */
        CTR_F_NULLABLE = 1 << 3,    /* an absent int/bool stays null (Go *int64, *bool) */
};

struct ctr_field {
        const char *name;
        enum ctr_jkind kind;
        unsigned flags;
};

/* Fails with Go's unmarshal message when v (not NULL, not null) is not of kind. */
int ctr_jcheck(json_t *v, enum ctr_jkind kind, const char *field, struct ctrd_error *err);

/* The value of key, or NULL when absent or null. */
json_t *ctr_jget(json_t *obj, const char *key);

/* True for null, "", false, 0, [] and {}: what Go leaves a field at when it is not set. */
bool ctr_jis_default(json_t *v);

/*
 * Copies the fields of the table from in (an object or NULL) into out, in
 * table order, type-checking each one and filling defaults. A one-string
 * strslice becomes a one-element list. struct_name ("HostConfig") prefixes
 * field names in messages.
 */
int ctr_jcopy_fields(json_t *in, const char *struct_name, const struct ctr_field *fields,
                     size_t n, json_t *out, struct ctrd_error *err);

/* Sets key to a new reference of v (or null for NULL); -ENOMEM on failure. */
int ctr_jset(json_t *obj, const char *key, json_t *v);
/* Sets key and steals the reference to v. */
int ctr_jset_new(json_t *obj, const char *key, json_t *v);

/* The string value of key, "" when absent, null or not a string. */
const char *ctr_jstr(json_t *obj, const char *key);
/* The integer value of key, 0 when absent, null or not an integer. */
int64_t ctr_jint(json_t *obj, const char *key);
bool ctr_jbool(json_t *obj, const char *key);

static inline void ctr_jdecrefp(json_t **j) {
        json_decref(*j);
}
#define _cleanup_json_ __attribute__((cleanup(ctr_jdecrefp)))
