#include "control-exec-proto.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

static void exec_request_freep(struct shim_exec_request **x) {
        shim_exec_request_free(*x);
}

void shim_exec_request_free(struct shim_exec_request *x) {
        if (!x)
                return;
        strv_free(x->args);
        strv_free(x->env);
        free(x->cwd);
        free(x->additional_gids);
        free(x);
}

static int get_id(json_t *o, const char *key, bool required, char id[static SHIM_EXEC_ID_MAX],
                  struct ctrd_error *err) {
        json_t *v = json_object_get(o, key);
        if (!v && !required)
                return 0;
        if (!v)
                return ctrd_error_set(err, EINVAL, "field '%s' is missing", key);
        const char *s = json_string_value(v);
        if (!s || !s[0] || strlen(s) >= SHIM_EXEC_ID_MAX)
                return ctrd_error_set(err, EINVAL, "field '%s' must be a string of 1 to %d bytes", key,
                                      SHIM_EXEC_ID_MAX - 1);
        memcpy(id, s, strlen(s) + 1);
        return 0;
}

/* A JSON array of strings as a NULL-terminated list; absent leaves *ret NULL. */
static int get_strv(json_t *o, const char *key, bool required, char ***ret, struct ctrd_error *err) {
        json_t *a = json_object_get(o, key), *v;
        size_t i;

        if (!a && !required)
                return 0;
        if (!json_is_array(a) || (required && json_array_size(a) == 0))
                return ctrd_error_set(err, EINVAL, "field '%s' must be a%s array of strings", key,
                                      required ? " non-empty" : "n");
        _cleanup_strv_free_ char **l = calloc(json_array_size(a) + 1, sizeof(char *));
        if (!l)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        json_array_foreach(a, i, v) {
                if (!json_is_string(v) || memchr(json_string_value(v), 0, json_string_length(v)))
                        return ctrd_error_set(err, EINVAL, "field '%s[%zu]' must be a string", key, i);
                if (!(l[i] = strdup(json_string_value(v))))
                        return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static int get_flag(json_t *o, const char *key, bool *ret, struct ctrd_error *err) {
        json_t *v = json_object_get(o, key);
        if (v && !json_is_boolean(v))
                return ctrd_error_set(err, EINVAL, "field '%s' must be a boolean", key);
        *ret = json_is_true(v);
        return 0;
}

static int get_xid(json_t *o, const char *key, uint32_t *ret, struct ctrd_error *err) {
        json_t *v = json_object_get(o, key);
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) >= UINT32_MAX)
                return ctrd_error_set(err, EINVAL, "field 'user.%s' must be an id", key);
        *ret = (uint32_t) json_integer_value(v);
        return 0;
}

/* "user": {"uid": N, "gid": N, "additional_gids": [N...]}, resolved by the daemon. */
static int get_user(json_t *o, struct shim_exec_request *x, struct ctrd_error *err) {
        json_t *u = json_object_get(o, "user"), *gids, *v;
        const char *key;
        uint32_t id;
        size_t i;

        if (!u)
                return 0;
        if (!json_is_object(u))
                return ctrd_error_set(err, EINVAL, "field 'user' must be an object");
        json_object_foreach(u, key, v)
                if (strcmp(key, "uid") != 0 && strcmp(key, "gid") != 0 && strcmp(key, "additional_gids") != 0)
                        return ctrd_error_set(err, EINVAL, "field 'user' takes no field '%s'", key);
        if (get_xid(u, "uid", &id, err) < 0)
                return -EINVAL;
        x->uid = id;
        if (get_xid(u, "gid", &id, err) < 0)
                return -EINVAL;
        x->gid = id;
        x->has_user = true;
        if (!(gids = json_object_get(u, "additional_gids")))
                return 0;
        if (!json_is_array(gids))
                return ctrd_error_set(err, EINVAL, "field 'user.additional_gids' must be an array");
        x->additional_gids = calloc(json_array_size(gids) + 1, sizeof(gid_t));
        if (!x->additional_gids)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        json_array_foreach(gids, i, v) {
                if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) >= UINT32_MAX)
                        return ctrd_error_set(err, EINVAL, "field 'user.additional_gids[%zu]' must be an id", i);
                x->additional_gids[x->n_additional_gids++] = (gid_t) json_integer_value(v);
        }
        return 0;
}

int shim_exec_detach_keys(json_t *o, struct shim_detach *ret, struct ctrd_error *err) {
        json_t *v = json_object_get(o, "detach_keys");
        if (v && !json_is_string(v))
                return ctrd_error_set(err, EINVAL, "field 'detach_keys' must be a string");
        return shim_detach_parse(json_string_value(v), ret, err);
}

static int parse_exec(json_t *o, struct shim_exec_request **ret, struct ctrd_error *err) {
        _cleanup_(exec_request_freep) struct shim_exec_request *x = calloc(1, sizeof(*x));
        json_t *cwd = json_object_get(o, "cwd");
        int r;

        if (!x)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if ((r = get_strv(o, "args", true, &x->args, err)) < 0 ||
            (r = get_strv(o, "env", false, &x->env, err)) < 0 ||
            (r = get_user(o, x, err)) < 0 ||
            (r = get_flag(o, "tty", &x->tty, err)) < 0 ||
            (r = get_flag(o, "stdin", &x->in, err)) < 0 ||
            (r = get_flag(o, "privileged", &x->privileged, err)) < 0 ||
            (r = shim_exec_detach_keys(o, &x->detach, err)) < 0)
                return r;
        if (cwd && (!json_is_string(cwd) || json_string_value(cwd)[0] != '/'))
                return ctrd_error_set(err, EINVAL, "field 'cwd' must be an absolute path");
        if (cwd && !(x->cwd = strdup(json_string_value(cwd))))
                return ctrd_error_set(err, ENOMEM, "out of memory");
        *ret = TAKE_PTR(x);
        return 0;
}

int shim_exec_request_parse(json_t *o, struct shim_request *req, struct ctrd_error *err) {
        struct shim_exec_request *x = NULL;
        char id[SHIM_EXEC_ID_MAX] = "";
        bool resize = req->op == SHIM_OP_RESIZE;

        if (get_id(o, resize ? "exec" : "id", !resize, id, err) < 0)
                return -err->code;
        if (req->op == SHIM_OP_EXEC && parse_exec(o, &x, err) < 0)
                return -err->code;
        memcpy(req->exec_id, id, sizeof(id));
        req->exec = x;
        return 0;
}

/* Dumps o as one line and drops the reference (as control-proto.c does). */
static char *line(json_t *o) {
        char *l = NULL;
        if (!o)
                return NULL;
        _cleanup_free_ char *s = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        if (!s || asprintf(&l, "%s\n", s) < 0)
                return NULL;
        return l;
}

char *shim_exec_reply_started(pid_t pid) {
        return line(json_pack("{s:b, s:i}", "ok", 1, "pid", (int) pid));
}

char *shim_exec_reply_state(const char *id, pid_t pid, int exit_code) {
        json_t *o = json_pack("{s:b, s:s, s:i, s:b}", "ok", 1, "id", id, "pid", (int) pid,
                              "running", exit_code < 0);
        if (o && exit_code >= 0 && json_object_set_new(o, "exit_code", json_integer(exit_code)) < 0) {
                json_decref(o);
                return NULL;
        }
        return line(o);
}

char *shim_exec_reply_exit(const char *id, int exit_code) {
        return line(json_pack("{s:b, s:s, s:s, s:i}", "ok", 1, "event", "exec-exit", "id", id,
                              "exit_code", exit_code));
}
