/*
 * A seccomp profile in Docker's format -> OCI linux.seccomp. Docker's format
 * adds to the OCI one: "archMap" (pick the entry for this machine), "name"
 * beside "names", and per-rule "includes"/"excludes" conditions on
 * capabilities, architectures and the kernel version. The conditions are
 * evaluated here, so the shim only ever sees plain rules.
 */
#include "ctr-seccomp-default.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "cleanup.h"
#include "ctr-caps.h"
#include "ctr-json.h"

/* Go's GOARCH for this machine: Docker's profiles name architectures that way. */
static const char *go_arch(void) {
#if defined(__x86_64__)
        return "amd64";
#elif defined(__aarch64__)
        return "arm64";
#elif defined(__i386__)
        return "386";
#elif defined(__s390x__)
        return "s390x";
#elif defined(__powerpc64__)
        return "ppc64le";
#elif defined(__riscv)
        return "riscv64";
#else
        return "";
#endif
}

static bool in_strv(json_t *list, const char *s) {
        json_t *v;
        size_t i;
        json_array_foreach(list, i, v)
                if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
                        return true;
        return false;
}

/* "5.8" <= running kernel? An unparsable version is treated as satisfied. */
static bool kernel_at_least(const char *min) {
        struct utsname u;
        unsigned a, b, ka, kb;
        if (!min || sscanf(min, "%u.%u", &a, &b) != 2 || uname(&u) < 0 ||
            sscanf(u.release, "%u.%u", &ka, &kb) != 2)
                return true;
        return ka > a || (ka == a && kb >= b);
}

/* includes: every listed cap held, this arch listed; excludes: none of either. */
static int rule_applies(json_t *rule, uint64_t caps, bool *ret, struct ctrd_error *err) {
        json_t *inc = ctr_jget(rule, "includes"), *exc = ctr_jget(rule, "excludes"), *v;
        size_t i;

        *ret = false;
        json_array_foreach(ctr_jget(inc, "caps"), i, v) {
                int cap = ctr_cap_from_name(json_string_value(v) ?: "");
                if (cap < 0)
                        return ctrd_error_set(err, EINVAL, "includes.caps: unknown capability");
                if (!(caps & (UINT64_C(1) << cap)))
                        return 0;
        }
        json_array_foreach(ctr_jget(exc, "caps"), i, v) {
                int cap = ctr_cap_from_name(json_string_value(v) ?: "");
                if (cap >= 0 && (caps & (UINT64_C(1) << cap)))
                        return 0;
        }
        if (ctr_jget(inc, "arches") && !in_strv(ctr_jget(inc, "arches"), go_arch()))
                return 0;
        if (in_strv(ctr_jget(exc, "arches"), go_arch()))
                return 0;
        if (!kernel_at_least(json_string_value(ctr_jget(inc, "minKernel"))))
                return 0;
        *ret = true;
        return 0;
}

static int convert_rule(json_t *rule, json_t **ret, struct ctrd_error *err) {
        json_t *names = ctr_jget(rule, "names"), *out;
        int r;

        if ((r = ctr_jcheck(names, CTR_J_STRV, "syscalls.names", err)) < 0 ||
            (r = ctr_jcheck(ctr_jget(rule, "name"), CTR_J_STRING, "syscalls.name", err)) < 0 ||
            (r = ctr_jcheck(ctr_jget(rule, "action"), CTR_J_STRING, "syscalls.action", err)) < 0 ||
            (r = ctr_jcheck(ctr_jget(rule, "args"), CTR_J_ARRAY, "syscalls.args", err)) < 0)
                return r;
        if (!*ctr_jstr(rule, "action"))
                return ctrd_error_set(err, EINVAL, "syscalls: a rule without an action");
        out = json_pack("{s:s}", "action", ctr_jstr(rule, "action"));
        if (!out)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if (names)
                r = ctr_jset_new(out, "names", json_deep_copy(names));
        else if (*ctr_jstr(rule, "name"))
                r = ctr_jset_new(out, "names", json_pack("[s]", ctr_jstr(rule, "name")));
        else
                r = ctrd_error_set(err, EINVAL, "syscalls: a rule without names");
        if (r == 0 && ctr_jget(rule, "errnoRet"))
                r = ctr_jset(out, "errnoRet", ctr_jget(rule, "errnoRet"));
        if (r == 0 && ctr_jget(rule, "args"))
                r = ctr_jset_new(out, "args", json_deep_copy(ctr_jget(rule, "args")));
        if (r < 0) {
                json_decref(out);
                return r == -ENOMEM ? ctrd_error_set(err, ENOMEM, "out of memory") : r;
        }
        *ret = out;
        return 0;
}

static int convert_arches(json_t *profile, json_t **ret, struct ctrd_error *err) {
        json_t *list = ctr_jget(profile, "architectures"), *map = ctr_jget(profile, "archMap");
        json_t *native = ctr_seccomp_native_arches(), *e;
        size_t i;

        if (!native)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if (list) {
                json_decref(native);
                *ret = json_deep_copy(list);
                return 0;
        }
        /* archMap: the entry whose architecture is ours, with its sub-architectures. */
        json_array_foreach(map, i, e)
                if (strcmp(ctr_jstr(e, "architecture"),
                           json_string_value(json_array_get(native, 0)) ?: "") == 0) {
                        json_decref(native);
                        json_t *subs = ctr_jget(e, "subArchitectures");
                        *ret = json_pack("[s]", ctr_jstr(e, "architecture"));
                        if (*ret && subs && json_array_extend(*ret, subs) < 0)
                                return -ENOMEM;
                        return 0;
                }
        *ret = native;
        return 0;
}

int ctr_seccomp_from_profile(json_t *profile, uint64_t caps, json_t **ret,
                             struct ctrd_error *err) {
        _cleanup_json_ json_t *out = NULL, *rules = json_array(), *arches = NULL;
        json_t *rule, *conv = NULL;
        size_t i;
        int r;

        if (!*ctr_jstr(profile, "defaultAction"))
                return ctrd_error_set(err, EINVAL, "defaultAction is required");
        json_t *sc = ctr_jget(profile, "syscalls");
        if ((sc && !json_is_array(sc)) || json_array_size(ctr_jget(profile, "flags")) > 0)
                return ctrd_error_set(err, EINVAL, "syscalls must be a list and flags empty");
        if (!rules || convert_arches(profile, &arches, err) < 0 || !arches)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        json_array_foreach(sc, i, rule) {
                bool applies;
                if ((r = rule_applies(rule, caps, &applies, err)) < 0)
                        return r;
                if (!applies)
                        continue;
                if ((r = convert_rule(rule, &conv, err)) < 0)
                        return r;
                if (json_array_append_new(rules, conv) < 0)
                        return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        out = json_pack("{s:s,s:O,s:O}", "defaultAction", ctr_jstr(profile, "defaultAction"),
                        "architectures", arches, "syscalls", rules);
        if (!out || (ctr_jget(profile, "defaultErrnoRet") &&
                     ctr_jset(out, "defaultErrnoRet", ctr_jget(profile, "defaultErrnoRet")) < 0))
                return ctrd_error_set(err, ENOMEM, "out of memory");
        *ret = TAKE_PTR(out);
        return 0;
}
