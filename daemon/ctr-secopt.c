/* SecurityOpt parsing; see ctr-secopt.h. */
#include "ctr-secopt.h"

#include <errno.h>
#include <string.h>

#include "ctr-caps.h"
#include "ctr-seccomp-default.h"

static int parse_bool(const char *v, bool *ret) {
        if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
                *ret = true;
        else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
                *ret = false;
        else
                return -EINVAL;
        return 0;
}

static int parse_seccomp(const char *v, struct ctr_secopt *so, struct ctrd_error *err) {
        json_error_t jerr;
        json_t *oci = NULL;
        int r;

        if (strcmp(v, "unconfined") == 0) {
                so->seccomp_unconfined = true;
                return 0;
        }
        json_decref(so->seccomp_profile);
        so->seccomp_profile = json_loads(v, 0, &jerr);
        if (!json_is_object(so->seccomp_profile))
                return ctrd_error_set(err, EINVAL,
                                      "Decoding seccomp profile failed: %s",
                                      so->seccomp_profile ? "expected a JSON object" : jerr.text);
        /* Converting it once here turns a bad profile into a 400 at create, not a failed start. */
        r = ctr_seccomp_from_profile(so->seccomp_profile, ctr_caps_default(), &oci, err);
        json_decref(oci);
        return r < 0 ? ctrd_error_wrap(err, "invalid seccomp profile") : 0;
}

static int parse_one(const char *opt, struct ctr_secopt *so, struct ctrd_error *err) {
        size_t klen = strcspn(opt, "=:");
        const char *val = opt[klen] ? opt + klen + 1 : NULL;

        if (klen == 17 && strncmp(opt, "no-new-privileges", klen) == 0) {
                if (!val) {
                        so->no_new_privileges = true;
                        return 0;
                }
                if (parse_bool(val, &so->no_new_privileges) < 0)
                        return ctrd_error_set(err, EINVAL,
                                              "invalid --security-opt 2: \"%s\"", opt);
                return 0;
        }
        if (val && klen == 7 && strncmp(opt, "seccomp", klen) == 0)
                return parse_seccomp(val, so, err);
        if (val && ((klen == 8 && strncmp(opt, "apparmor", klen) == 0) ||
                    (klen == 5 && strncmp(opt, "label", klen) == 0)))
                return 0;
        return ctrd_error_set(err, EINVAL, "Invalid --security-opt: \"%s\"", opt);
}

int ctr_secopt_parse(json_t *list, struct ctr_secopt *ret, struct ctrd_error *err) {
        json_t *v;
        size_t i;
        int r;

        json_array_foreach(list, i, v)
                if ((r = parse_one(json_string_value(v), ret, err)) < 0)
                        return r;
        return 0;
}

void ctr_secopt_done(struct ctr_secopt *so) {
        json_decref(so->seccomp_profile);
        so->seccomp_profile = NULL;
}
