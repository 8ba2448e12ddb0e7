/* Ulimits -> process.rlimits; see ctr-rlimit.h. */
#include "ctr-rlimit.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctr-json.h"
#include "macro.h"

static const char *const names[] = {
        "as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue",
        "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack",
};

static bool known(const char *name) {
        for (size_t i = 0; i < ARRAY_SIZE(names); i++)
                if (strcmp(names[i], name) == 0)
                        return true;
        return false;
}

static int check_one(json_t *u, size_t i, struct ctrd_error *err) {
        static const char *const keys[] = { "Name", "Soft", "Hard" };
        char field[64];
        int r;

        if (!json_is_object(u))
                return ctrd_error_set(err, EINVAL,
                                      "json: cannot unmarshal %s into Go struct field "
                                      "HostConfig.Ulimits of type units.Ulimit",
                                      json_is_array(u) ? "array" : "value");
        for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
                snprintf(field, sizeof(field), "HostConfig.Ulimits.%s", keys[k]);
                if ((r = ctr_jcheck(json_object_get(u, keys[k]),
                                    k == 0 ? CTR_J_STRING : CTR_J_INT, field, err)) < 0)
                        return r;
        }
        const char *name = ctr_jstr(u, "Name");
        int64_t soft = ctr_jint(u, "Soft"), hard = ctr_jint(u, "Hard");
        if (!known(name))
                return ctrd_error_set(err, EINVAL, "invalid ulimit type: %s", name);
        /* Unlimited (-1) would need RLIM_INFINITY, which config.json cannot carry here. */
        if (soft < 0 || hard < 0)
                return ctrd_error_set(err, EINVAL,
                                      "HostConfig.Ulimits[%zu]: %s: negative (unlimited) values "
                                      "are not supported by ctrd", i, name);
        if (soft > hard)
                return ctrd_error_set(err, EINVAL,
                                      "ulimit soft limit must be less than or equal to hard "
                                      "limit: %lld > %lld", (long long) soft, (long long) hard);
        return 0;
}

int ctr_rlimits_check(json_t *ulimits, struct ctrd_error *err) {
        json_t *u;
        size_t i;
        int r;

        json_array_foreach(ulimits, i, u)
                if ((r = check_one(u, i, err)) < 0)
                        return r;
        return 0;
}

int ctr_rlimits_to_oci(json_t *ulimits, json_t **ret, struct ctrd_error *err) {
        json_t *out = json_array(), *u;
        size_t i;

        if (!out)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        json_array_foreach(ulimits, i, u) {
                char type[32] = "RLIMIT_";
                const char *name = ctr_jstr(u, "Name");
                for (size_t k = 0; name[k] && k + 8 < sizeof(type); k++)
                        type[7 + k] = (char) toupper((unsigned char) name[k]);
                if (json_array_append_new(out, json_pack("{s:s,s:I,s:I}", "type", type, "hard",
                                                         (json_int_t) ctr_jint(u, "Hard"), "soft",
                                                         (json_int_t) ctr_jint(u, "Soft"))) < 0) {
                        json_decref(out);
                        return ctrd_error_set(err, ENOMEM, "out of memory");
                }
        }
        *ret = out;
        return 0;
}
