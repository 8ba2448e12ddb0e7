#include "control-proto.h"
#include "control-exec-proto.h"

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static const char *const op_names[_SHIM_OP_MAX] = {
        [SHIM_OP_STATE] = "state",
        [SHIM_OP_SIGNAL] = "signal",
        [SHIM_OP_RESIZE] = "resize",
        [SHIM_OP_ATTACH] = "attach",
        [SHIM_OP_WAIT] = "wait",
        [SHIM_OP_PAUSE] = "pause",
        [SHIM_OP_RESUME] = "resume",
        [SHIM_OP_STATS] = "stats",
        [SHIM_OP_PIDS] = "pids",
        [SHIM_OP_EXEC] = "exec",
        [SHIM_OP_EXEC_STATE] = "exec-state",
        [SHIM_OP_EXEC_WAIT] = "exec-wait",
};

/* The fields each op accepts besides "op". */
static const char *const op_fields[_SHIM_OP_MAX] = {
        [SHIM_OP_STATE] = "",
        [SHIM_OP_SIGNAL] = " signo ",
        [SHIM_OP_RESIZE] = " rows cols exec ",
        [SHIM_OP_ATTACH] = " stdin stdout stderr stdin_once detach_keys ",
        [SHIM_OP_WAIT] = "",
        [SHIM_OP_PAUSE] = "",
        [SHIM_OP_RESUME] = "",
        [SHIM_OP_STATS] = "",
        [SHIM_OP_PIDS] = "",
        [SHIM_OP_EXEC] = " id args env cwd user tty stdin privileged detach_keys ",
        [SHIM_OP_EXEC_STATE] = " id ",
        [SHIM_OP_EXEC_WAIT] = " id ",
};

static bool op_has_field(enum shim_op op, const char *key) {
        size_t n = strlen(key);
        for (const char *p = strstr(op_fields[op], key); p; p = strstr(p + 1, key))
                if (p[-1] == ' ' && p[n] == ' ')
                        return true;
        return false;
}

static int get_int(json_t *o, const char *key, long long min, long long max, long long *ret,
                   struct ctrd_error *err) {
        json_t *v = json_object_get(o, key);
        if (!v)
                return ctrd_error_set(err, EINVAL, "field '%s' is missing", key);
        if (!json_is_integer(v))
                return ctrd_error_set(err, EINVAL, "field '%s' must be an integer", key);
        long long x = json_integer_value(v);
        if (x < min || x > max)
                return ctrd_error_set(err, ERANGE, "field '%s' is %lld, not in [%lld, %lld]",
                                      key, x, min, max);
        *ret = x;
        return 0;
}

static int get_bool(json_t *o, const char *key, bool dflt, bool *ret, struct ctrd_error *err) {
        json_t *v = json_object_get(o, key);
        if (!v) {
                *ret = dflt;
                return 0;
        }
        if (!json_is_boolean(v))
                return ctrd_error_set(err, EINVAL, "field '%s' must be a boolean", key);
        *ret = json_is_true(v);
        return 0;
}

static int parse_op(json_t *o, enum shim_op *ret, struct ctrd_error *err) {
        json_t *v = json_object_get(o, "op");
        if (!v)
                return ctrd_error_set(err, EINVAL, "field 'op' is missing");
        if (!json_is_string(v))
                return ctrd_error_set(err, EINVAL, "field 'op' must be a string");
        for (int i = 0; i < _SHIM_OP_MAX; i++)
                if (strcmp(json_string_value(v), op_names[i]) == 0) {
                        *ret = (enum shim_op) i;
                        return 0;
                }
        return ctrd_error_set(err, EINVAL, "unknown op '%s'", json_string_value(v));
}

static int parse_fields(json_t *o, struct shim_request *req, struct ctrd_error *err) {
        long long x = 0, y = 0;
        int r = 0;

        switch (req->op) {
        case SHIM_OP_SIGNAL:
                r = get_int(o, "signo", 1, SIGRTMAX, &x, err);
                req->signo = (int) x;
                break;
        case SHIM_OP_RESIZE:
                r = get_int(o, "rows", 0, 65535, &x, err);
                if (r >= 0)
                        r = get_int(o, "cols", 0, 65535, &y, err);
                req->rows = (unsigned) x;
                req->cols = (unsigned) y;
                if (r >= 0)
                        r = shim_exec_request_parse(o, req, err);
                break;
        case SHIM_OP_ATTACH:
                r = get_bool(o, "stdin", false, &req->in, err);
                if (r >= 0)
                        r = get_bool(o, "stdout", false, &req->out, err);
                if (r >= 0)
                        r = get_bool(o, "stderr", false, &req->err, err);
                if (r >= 0)
                        r = get_bool(o, "stdin_once", true, &req->stdin_once, err);
                if (r >= 0)
                        r = shim_exec_detach_keys(o, &req->detach, err);
                break;
        case SHIM_OP_EXEC:
        case SHIM_OP_EXEC_STATE:
        case SHIM_OP_EXEC_WAIT:
                r = shim_exec_request_parse(o, req, err);
                break;
        default:
                break;
        }
        return r;
}

int shim_request_parse(const char *msg, size_t len, struct shim_request *ret, struct ctrd_error *err) {
        struct shim_request req = { 0 };
        json_error_t jerr;
        const char *key;
        json_t *v;
        int r;

        json_t *o = json_loadb(msg, len, JSON_REJECT_DUPLICATES, &jerr);
        if (!o)
                return ctrd_error_set(err, EINVAL, "request is not JSON: %s", jerr.text);
        if (!json_is_object(o)) {
                r = ctrd_error_set(err, EINVAL, "request is not a JSON object");
                goto out;
        }
        r = parse_op(o, &req.op, err);
        if (r < 0)
                goto out;
        json_object_foreach(o, key, v)
                if (strcmp(key, "op") != 0 && !op_has_field(req.op, key)) {
                        r = ctrd_error_set(err, EINVAL, "op '%s' takes no field '%s'",
                                           op_names[req.op], key);
                        goto out;
                }
        r = parse_fields(o, &req, err);
        if (r >= 0)
                *ret = req;
out:
        json_decref(o);
        return r;
}

void shim_request_done(struct shim_request *req) {
        shim_exec_request_free(req->exec);
        req->exec = NULL;
}

/* Dumps o as one line and drops the reference. */
static char *dump_line(json_t *o) {
        if (!o)
                return NULL;
        char *s = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        if (!s)
                return NULL;
        size_t n = strlen(s);
        char *line = realloc(s, n + 2);
        if (!line) {
                free(s);
                return NULL;
        }
        memcpy(line + n, "\n", 2);
        return line;
}

char *shim_reply_ok(void) {
        return dump_line(json_pack("{s:b}", "ok", 1));
}

char *shim_reply_error(const struct ctrd_error *e) {
        return dump_line(json_pack("{s:b, s:s, s:i}", "ok", 0, "error", e->msg, "errno", e->code));
}

static json_t *exit_fields(const struct shim_status *st, json_t *o) {
        if (o && json_object_update_new(o, json_pack("{s:i, s:i, s:s, s:b}",
                                                 "exit_code", st->exit_code,
                                                 "signal", st->signal,
                                                 "finished_at", st->finished_at,
                                                 "oom_killed", st->oom_killed)) < 0) {
                json_decref(o);
                return NULL;
        }
        return o;
}

char *shim_reply_state(const struct shim_status *st) {
        json_t *o = json_pack("{s:b, s:i, s:s, s:s}", "ok", 1, "pid", (int) st->pid,
                              "status", st->exited ? "exited" : "running",
                              "started_at", st->started_at);
        return dump_line(st->exited ? exit_fields(st, o) : o);
}

char *shim_reply_exit(const struct shim_status *st) {
        return dump_line(exit_fields(st, json_pack("{s:b, s:s}", "ok", 1, "event", "exit")));
}
