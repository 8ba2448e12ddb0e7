/* config.json linux.seccomp -> struct rt_seccomp (compiled later by seccomp.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "names.h"
#include "spec-internal.h"
#include "spec-json.h"

static int parse_action(json_t *o, const char *f, const char *key, const char *errno_key,
                        uint32_t *ret, struct ctrd_error *err) {
        _cleanup_free_ char *name = NULL;
        int64_t errno_ret = EPERM;
        int r;

        if ((r = rt_jstring(o, f, key, true, &name, err)) < 0 ||
            (r = rt_jint(o, f, errno_key, false, 0, 4095, &errno_ret, err)) < 0)
                return r;
        if (rt_seccomp_action_from_name(name, (uint32_t) errno_ret, ret) < 0)
                return ctrd_error_set(err, EINVAL, "%s.%s: unknown action '%s'", f, key, name);
        return 0;
}

static int parse_args(json_t *rule, const char *f, struct rt_seccomp_rule *sr,
                      struct ctrd_error *err) {
        static const char *const keys[] = { "index", "value", "valueTwo", "op", NULL };
        char fa[RT_FIELD_MAX], path[RT_FIELD_MAX];
        json_t *a = NULL, *v;
        size_t i;
        int r;

        if ((r = rt_jarray(rule, f, "args", false, &a, err)) <= 0)
                return r;
        sr->args = calloc(json_array_size(a) + 1, sizeof(*sr->args));
        if (!sr->args)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        rt_jfield(path, f, "args");
        json_array_foreach(a, i, v) {
                struct rt_seccomp_arg *arg = &sr->args[i];
                _cleanup_free_ char *op = NULL;
                uint64_t index = 0;
                rt_jindex(fa, path, i);
                if (!json_is_object(v))
                        return ctrd_error_set(err, EINVAL, "%s: expected object", fa);
                if ((r = rt_jkeys(v, fa, keys, err)) < 0 ||
                    (r = rt_juint(v, fa, "index", true, 5, &index, err)) < 0 ||
                    (r = rt_juint(v, fa, "value", true, INT64_MAX, &arg->value, err)) < 0 ||
                    (r = rt_juint(v, fa, "valueTwo", false, INT64_MAX, &arg->value_two,
                                  err)) < 0 ||
                    (r = rt_jstring(v, fa, "op", true, &op, err)) < 0)
                        return r;
                if (rt_seccomp_op_from_name(op, &arg->op) < 0)
                        return ctrd_error_set(err, EINVAL, "%s.op: unknown operator '%s'", fa, op);
                arg->index = (unsigned) index;
                sr->n_args++;
        }
        return 0;
}

static int parse_rules(json_t *sc, struct rt_seccomp *out, struct ctrd_error *err) {
        static const char *const keys[] = { "names", "action", "errnoRet", "args", NULL };
        char f[RT_FIELD_MAX];
        json_t *a = NULL, *v;
        size_t i;
        int r;

        if ((r = rt_jarray(sc, "linux.seccomp", "syscalls", false, &a, err)) <= 0)
                return r;
        out->rules = calloc(json_array_size(a) + 1, sizeof(*out->rules));
        if (!out->rules)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        json_array_foreach(a, i, v) {
                struct rt_seccomp_rule *sr = &out->rules[i];
                rt_jindex(f, "linux.seccomp.syscalls", i);
                if (!json_is_object(v))
                        return ctrd_error_set(err, EINVAL, "%s: expected object", f);
                out->n_rules++;
                if ((r = rt_jkeys(v, f, keys, err)) < 0 ||
                    (r = rt_jstrv(v, f, "names", true, &sr->names, err)) < 0 ||
                    (r = parse_action(v, f, "action", "errnoRet", &sr->action, err)) < 0 ||
                    (r = parse_args(v, f, sr, err)) < 0)
                        return r;
        }
        return 0;
}

static int parse_arches(json_t *sc, struct rt_seccomp *out, struct ctrd_error *err) {
        _cleanup_strv_free_ char **names = NULL;
        size_t n = 0;
        int r;

        if ((r = rt_jstrv(sc, "linux.seccomp", "architectures", false, &names, err)) <= 0)
                return r;
        while (names[n])
                n++;
        out->arches = calloc(n + 1, sizeof(uint32_t));
        if (!out->arches)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
                if (rt_seccomp_arch_from_name(names[i], &out->arches[i]) < 0)
                        return ctrd_error_set(err, EINVAL,
                                              "linux.seccomp.architectures[%zu]: unknown '%s'", i,
                                              names[i]);
                out->n_arches++;
        }
        return 0;
}

int rt_spec_parse_seccomp(json_t *lx, struct rt_spec *s, struct ctrd_error *err) {
        static const char *const keys[] = { "defaultAction", "defaultErrnoRet", "architectures",
                                            "syscalls", "flags", NULL };
        _cleanup_strv_free_ char **flags = NULL;
        json_t *sc = NULL;
        int r;

        if ((r = rt_jobject(lx, "linux", "seccomp", false, &sc, err)) <= 0)
                return r;
        s->seccomp = calloc(1, sizeof(*s->seccomp));
        if (!s->seccomp)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if ((r = rt_jkeys(sc, "linux.seccomp", keys, err)) < 0 ||
            (r = parse_action(sc, "linux.seccomp", "defaultAction", "defaultErrnoRet",
                              &s->seccomp->default_action, err)) < 0 ||
            (r = parse_arches(sc, s->seccomp, err)) < 0 ||
            (r = parse_rules(sc, s->seccomp, err)) < 0 ||
            (r = rt_jstrv(sc, "linux.seccomp", "flags", false, &flags, err)) < 0)
                return r;
        if (flags && flags[0])
                return ctrd_error_set(err, EOPNOTSUPP, "linux.seccomp.flags: '%s' unsupported",
                                      flags[0]);
        return 0;
}
