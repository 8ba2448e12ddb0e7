/*
 * HostConfig.LogConfig and HostConfig.RestartPolicy: the log driver ctrd has
 * (json-file, written by the shim, with max-size / max-file rotation) and
 * Docker's restart policies, checked with Docker's messages and filled with
 * the defaults inspect shows.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "ctr-config-internal.h"
#include "ctr-json.h"
#include "ctr-policies.h"
#include "string-util.h"

int ctr_parse_size(const char *s, int64_t *ret) {
        static const char units[] = "bkmgtp";
        char *end;
        int64_t mult = 1;

        if (!isdigit((unsigned char) *s))
                return -EINVAL;
        errno = 0;
        double v = strtod(s, &end);
        if (errno || end == s)
                return -EINVAL;
        if (*end) {
                const char *u = strchr(units, tolower((unsigned char) *end));
                if (!u)
                        return -EINVAL;
                for (const char *p = units; p < u; p++)
                        mult *= 1024;
                end++;
                /* "10m", "10mb" and "10MiB" all mean 10 * 1024 * 1024, as go-units reads them. */
                if (*end == 'i' || *end == 'I')
                        end++;
                if (u != units && (*end == 'b' || *end == 'B'))
                        end++;
                if (*end)
                        return -EINVAL;
        }
        if (v * (double) mult >= 9.2e18)
                return -ERANGE;
        *ret = (int64_t) (v * (double) mult);
        return 0;
}

static int check_log_opts(json_t *cfg, struct ctrd_error *err) {
        static const char *const allowed[] = { "max-size", "max-file", "compress", "labels",
                                                "labels-regex", "env", "env-regex", "tag",
                                                NULL };
        const char *key;
        json_t *v;
        int64_t n;

        json_object_foreach(cfg, key, v) {
                bool ok = false;
                for (size_t i = 0; allowed[i] && !ok; i++)
                        ok = strcmp(allowed[i], key) == 0;
                if (!ok)
                        return ctrd_error_set(err, EINVAL,
                                              "unknown log opt '%s' for json-file log driver", key);
        }
        const char *size = ctr_jstr(cfg, "max-size"), *files = ctr_jstr(cfg, "max-file");
        if (*size && (ctr_parse_size(size, &n) < 0 || n <= 0))
                return ctrd_error_set(err, EINVAL, "invalid max-size: %s", size);
        if (*files && ctrd_parse_int64(files, 1, 1000000, &n) < 0)
                return ctrd_error_set(err, EINVAL, "max-file must be a positive number");
        if (*files && n > 1 && !*size)
                return ctrd_error_set(err, EINVAL, "max-file cannot be used without max-size");
        if (*ctr_jstr(cfg, "compress") && strcmp(ctr_jstr(cfg, "compress"), "false"))
                return ctrd_error_set(err, EINVAL,
                                      "compress of rotated logs is not supported by ctrd");
        return 0;
}

static int check_log_config(json_t *h, struct ctrd_error *err) {
        json_t *lc = ctr_jget(h, "LogConfig"), *cfg;
        const char *type;
        int r;

        if ((r = ctr_jcheck(json_object_get(lc, "Type"), CTR_J_STRING, "LogConfig.Type",
                            err)) < 0 ||
            (r = ctr_jcheck(json_object_get(lc, "Config"), CTR_J_STRMAP, "LogConfig.Config",
                            err)) < 0)
                return r;
        type = ctr_jstr(lc, "Type");
        if (*type && strcmp(type, "json-file"))
                return ctrd_error_set(err, EINVAL,
                                      "logging driver \"%s\" is not supported by ctrd (only "
                                      "json-file)", type);
        cfg = ctr_jget(lc, "Config");
        if ((r = check_log_opts(cfg, err)) < 0)
                return r;
        json_t *out = cfg ? json_pack("{s:s,s:O}", "Type", "json-file", "Config", cfg)
                          : json_pack("{s:s,s:{}}", "Type", "json-file", "Config");
        return ctr_jset_new(h, "LogConfig", out) < 0
                       ? ctrd_error_set(err, ENOMEM, "out of memory") : 0;
}

static int check_restart(json_t *h, struct ctrd_error *err) {
        static const char *const names[] = { "no", "always", "unless-stopped", "on-failure",
                                             NULL };
        json_t *rp = ctr_jget(h, "RestartPolicy");
        const char *name;
        int64_t max;
        int r;

        if ((r = ctr_jcheck(json_object_get(rp, "Name"), CTR_J_STRING, "RestartPolicy.Name",
                            err)) < 0 ||
            (r = ctr_jcheck(json_object_get(rp, "MaximumRetryCount"), CTR_J_INT,
                            "RestartPolicy.MaximumRetryCount", err)) < 0)
                return r;
        name = *ctr_jstr(rp, "Name") ? ctr_jstr(rp, "Name") : "no";
        max = ctr_jint(rp, "MaximumRetryCount");
        bool known = false;
        for (size_t i = 0; names[i] && !known; i++)
                known = strcmp(names[i], name) == 0;
        if (!known)
                return ctrd_error_set(err, EINVAL, "invalid restart policy '%s'", name);
        if (max < 0)
                return ctrd_error_set(err, EINVAL, "maximum retry count cannot be negative");
        if (max > 0 && strcmp(name, "on-failure"))
                return ctrd_error_set(err, EINVAL,
                                      "maximum retry count cannot be used with restart policy "
                                      "'%s'", name);
        if (ctr_jbool(h, "AutoRemove") && strcmp(name, "no"))
                return ctrd_error_set(err, EINVAL,
                                      "can't create 'AutoRemove' container with restart policy");
        return ctr_jset_new(h, "RestartPolicy",
                            json_pack("{s:s,s:I}", "Name", name, "MaximumRetryCount",
                                      (json_int_t) max)) < 0
                       ? ctrd_error_set(err, ENOMEM, "out of memory") : 0;
}

int ctr_policies_check(json_t *host, struct ctrd_error *err) {
        int r = check_log_config(host, err);
        return r < 0 ? r : check_restart(host, err);
}
