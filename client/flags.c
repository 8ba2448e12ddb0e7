/* Sizes, numbers, key=value lists, restart policies, ulimits, security options, filters. */
#include "flags.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "string-util.h"

/* Splits "digits[.digits]" into an integer part and a nine-digit fraction. */
static int parse_decimal(const char *s, const char **end, int64_t *ret_int, int64_t *ret_nano,
                         bool *ret_too_precise) {
        int64_t i = 0, nano = 0;
        const char *p = s;
        if (!isdigit((unsigned char) *p))
                return -EINVAL;
        for (; isdigit((unsigned char) *p); p++) {
                if (i > (INT64_MAX - 9) / 10)
                        return -ERANGE;
                i = i * 10 + (*p - '0');
        }
        *ret_too_precise = false;
        if (*p == '.') {
                p++;
                if (!isdigit((unsigned char) *p))
                        return -EINVAL;
                int digits = 0;
                for (; isdigit((unsigned char) *p); p++, digits++) {
                        if (digits < 9)
                                nano = nano * 10 + (*p - '0');
                        else if (*p != '0')
                                *ret_too_precise = true;
                }
                for (; digits < 9; digits++)
                        nano *= 10;
        }
        *end = p;
        *ret_int = i;
        *ret_nano = nano;
        return 0;
}

int ctl_parse_ram(const char *s, int64_t *ret, struct ctrd_error *err) {
        static const char units[] = "kmgtp";
        int64_t whole, nano;
        bool too_precise;
        const char *p;
        if (parse_decimal(s, &p, &whole, &nano, &too_precise) < 0)
                return ctrd_error_set(err, EINVAL, "invalid size: '%s'", s);
        if (*p == ' ')
                p++;
        int shift = 0;
        const char *u = *p ? strchr(units, tolower((unsigned char) *p)) : NULL;
        if (u) {
                shift = 10 * (int) (u - units + 1);
                p++;
        }
        if (*p == 'i' || *p == 'I')
                p++;
        if (*p == 'b' || *p == 'B')
                p++;
        if (*p != '\0')
                return ctrd_error_set(err, EINVAL, "invalid size: '%s'", s);
        /* go-units multiplies a float64 and truncates; so do we, in integers where exact. */
        if (shift > 0 && whole > (INT64_MAX >> shift))
                return ctrd_error_set(err, ERANGE, "invalid size: '%s'", s);
        *ret = (whole << shift) + (int64_t) ((double) nano / 1e9 * (double) (1LL << shift));
        return 0;
}

int ctl_parse_swap(const char *s, int64_t *ret, struct ctrd_error *err) {
        if (strcmp(s, "-1") == 0) {
                *ret = -1;
                return 0;
        }
        return ctl_parse_ram(s, ret, err);
}

int ctl_parse_cpus(const char *s, int64_t *ret, struct ctrd_error *err) {
        bool negative = s[0] == '-';
        int64_t whole, nano;
        bool too_precise;
        const char *end;
        if (parse_decimal(s + negative, &end, &whole, &nano, &too_precise) < 0 || *end != '\0')
                return ctrd_error_set(err, EINVAL, "failed to parse %s as a rational number", s);
        if (too_precise)
                return ctrd_error_set(err, EINVAL, "value is too precise");
        if (whole > INT64_MAX / 1000000000 - 1)
                return ctrd_error_set(err, ERANGE, "value %s is too large", s);
        int64_t v = whole * 1000000000 + nano;
        *ret = negative ? -v : v;
        return 0;
}

int ctl_parse_int_flag(const char *flag, const char *s, int64_t min, int64_t max, int64_t *ret,
                       struct ctrd_error *err) {
        int r = ctrd_parse_int64(s, min, max, ret);
        if (r == -ERANGE)
                return ctrd_error_set(err, ERANGE, "invalid argument \"%s\" for \"%s\": out of range",
                                      s, flag);
        if (r < 0)
                return ctrd_error_set(err, EINVAL, "invalid argument \"%s\" for \"%s\": not a number",
                                      s, flag);
        return 0;
}

static int append_string(json_t *array, const char *s) {
        return json_array_append_new(array, json_string(s)) < 0 ? -ENOMEM : 0;
}

int ctl_add_env(json_t *env, const char *s, struct ctrd_error *err) {
        if (s[0] == '=' || s[0] == '\0')
                return ctrd_error_set(err, EINVAL, "invalid environment variable: %s", s);
        if (strchr(s, '='))
                return append_string(env, s);
        /* A bare name passes our value through, as docker's ValidateEnv does. */
        const char *v = getenv(s);
        if (!v)
                return append_string(env, s);
        _cleanup_free_ char *kv = NULL;
        if (asprintf(&kv, "%s=%s", s, v) < 0)
                return -ENOMEM;
        return append_string(env, kv);
}

int ctl_add_env_file(json_t *env, const char *path, struct ctrd_error *err) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f)
                return ctrd_error_sys(err, errno, "open %s", path);
        _cleanup_free_ char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        while ((n = getline(&line, &cap, f)) >= 0) {
                while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
                        line[--n] = '\0';
                char *p = line;
                while (isspace((unsigned char) *p))
                        p++;
                if (*p == '\0' || *p == '#')
                        continue;
                int r = ctl_add_env(env, p, err);
                if (r < 0)
                        return ctrd_error_wrap(err, "%s", path);
        }
        return 0;
}

int ctl_add_label(json_t *labels, const char *s, struct ctrd_error *err) {
        const char *eq = strchr(s, '=');
        size_t klen = eq ? (size_t) (eq - s) : strlen(s);
        if (klen == 0)
                return ctrd_error_set(err, EINVAL, "invalid label '%s': empty name", s);
        _cleanup_free_ char *key = strndup(s, klen);
        if (!key)
                return -ENOMEM;
        return json_object_set_new(labels, key, json_string(eq ? eq + 1 : "")) < 0 ? -ENOMEM : 0;
}

/* The names go-units knows (its ulimitNameMapping). */
static bool ulimit_name_known(const char *name) {
        static const char *const names[] = {
                "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice",
                "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack",
        };
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (strcmp(names[i], name) == 0)
                        return true;
        return false;
}

int ctl_add_ulimit(json_t *ulimits, const char *s, struct ctrd_error *err) {
        const char *eq = strchr(s, '=');
        if (!eq)
                return ctrd_error_set(err, EINVAL, "invalid ulimit argument: %s", s);
        _cleanup_free_ char *name = strndup(s, (size_t) (eq - s));
        if (!name)
                return -ENOMEM;
        if (!ulimit_name_known(name))
                return ctrd_error_set(err, EINVAL, "invalid ulimit type: %s", name);
        _cleanup_free_ char *soft_s = strdup(eq + 1);
        if (!soft_s)
                return -ENOMEM;
        char *hard_s = strchr(soft_s, ':');
        if (hard_s) {
                *hard_s++ = '\0';
                if (strchr(hard_s, ':'))
                        return ctrd_error_set(err, EINVAL, "too many limit value arguments - %s, "
                                              "can only have up to two, `soft[:hard]`", eq + 1);
        }
        int64_t soft, hard;
        if (ctrd_parse_int64(soft_s, INT64_MIN, INT64_MAX, &soft) < 0)
                return ctrd_error_set(err, EINVAL, "invalid ulimit soft value: %s", soft_s);
        hard = soft;
        if (hard_s && ctrd_parse_int64(hard_s, INT64_MIN, INT64_MAX, &hard) < 0)
                return ctrd_error_set(err, EINVAL, "invalid ulimit hard value: %s", hard_s);
        if (soft > hard)
                return ctrd_error_set(err, EINVAL, "ulimit soft limit must be less than or equal "
                                      "to hard limit: %lld > %lld", (long long) soft,
                                      (long long) hard);
        json_t *u = json_pack("{s:s, s:I, s:I}", "Name", name, "Soft", (json_int_t) soft,
                              "Hard", (json_int_t) hard);
        return json_array_append_new(ulimits, u) < 0 ? -ENOMEM : 0;
}

char *ctl_normalize_capability(const char *s) {
        char *cap = NULL;
        bool prefixed = strncasecmp(s, "CAP_", 4) == 0 || strcasecmp(s, "ALL") == 0;
        if (asprintf(&cap, "%s%s", prefixed ? "" : "CAP_", s) < 0)
                return NULL;
        for (char *p = cap; *p; p++)
                *p = (char) toupper((unsigned char) *p);
        return cap;
}

int ctl_parse_restart(const char *s, json_t **ret, struct ctrd_error *err) {
        const char *colon = strchr(s, ':');
        size_t nlen = colon ? (size_t) (colon - s) : strlen(s);
        int64_t count = 0;
        if (colon && ctrd_parse_int64(colon + 1, 0, INT32_MAX, &count) < 0)
                return ctrd_error_set(err, EINVAL, "invalid restart policy format: maximum retry "
                                      "count must be an integer");
        static const char *const names[] = { "no", "always", "unless-stopped", "on-failure" };
        const char *name = NULL;
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (strlen(names[i]) == nlen && strncmp(names[i], s, nlen) == 0)
                        name = names[i];
        if (!name)
                return ctrd_error_set(err, EINVAL, "invalid restart policy: unknown policy '%.*s'; "
                                      "use one of 'no', 'always', 'on-failure', or "
                                      "'unless-stopped'", (int) nlen, s);
        if (colon && strcmp(name, "on-failure") != 0)
                return ctrd_error_set(err, EINVAL, "invalid restart policy: maximum retry count "
                                      "can only be used with 'on-failure'");
        *ret = json_pack("{s:s, s:I}", "Name", name, "MaximumRetryCount", (json_int_t) count);
        return *ret ? 0 : -ENOMEM;
}

/* Replaces a seccomp profile path by the profile's compact JSON, as docker does. */
static int inline_seccomp_profile(json_t *opts, const char *path, struct ctrd_error *err) {
        json_error_t jerr;
        json_t *profile = json_load_file(path, 0, &jerr);
        if (!profile) {
                if (access(path, R_OK) < 0)
                        return ctrd_error_sys(err, errno, "opening seccomp profile (%s) failed", path);
                return ctrd_error_set(err, EINVAL, "compacting json for seccomp profile (%s) "
                                      "failed: %s", path, jerr.text);
        }
        _cleanup_free_ char *text = json_dumps(profile, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(profile);
        _cleanup_free_ char *opt = NULL;
        if (!text || asprintf(&opt, "seccomp=%s", text) < 0)
                return -ENOMEM;
        return append_string(opts, opt);
}

int ctl_add_security_opt(json_t *opts, const char *s, struct ctrd_error *err) {
        if (strcmp(s, "no-new-privileges") == 0)
                return append_string(opts, s);
        if (strcmp(s, "disable") == 0)
                return append_string(opts, "label=disable");
        /* "key=value", or the old "key:value" spelling docker still accepts. */
        const char *sep = strchr(s, '=');
        if (!sep)
                sep = strchr(s, ':');
        if (!sep || sep == s)
                return ctrd_error_set(err, EINVAL, "Invalid --security-opt: \"%s\"", s);
        size_t klen = (size_t) (sep - s);
        if (klen == strlen("seccomp") && strncmp(s, "seccomp", klen) == 0 &&
            strcmp(sep + 1, "unconfined") != 0 && strcmp(sep + 1, "builtin") != 0)
                return inline_seccomp_profile(opts, sep + 1, err);
        _cleanup_free_ char *opt = NULL;
        if (asprintf(&opt, "%.*s=%s", (int) klen, s, sep + 1) < 0)
                return -ENOMEM;
        return append_string(opts, opt);
}

int ctl_add_filter(json_t *filters, const char *s, struct ctrd_error *err) {
        const char *eq = strchr(s, '=');
        if (!eq)
                return ctrd_error_set(err, EINVAL, "bad format of filter (expected name=value)");
        /* docker lowercases and trims the name and trims the value. */
        while (isspace((unsigned char) *s))
                s++;
        size_t klen = (size_t) (eq - s);
        while (klen > 0 && isspace((unsigned char) s[klen - 1]))
                klen--;
        _cleanup_free_ char *key = strndup(s, klen);
        _cleanup_free_ char *value = strdup(eq + 1);
        if (!key || !value)
                return -ENOMEM;
        for (char *p = key; *p; p++)
                *p = (char) tolower((unsigned char) *p);
        char *v = value;
        while (isspace((unsigned char) *v))
                v++;
        size_t vlen = strlen(v);
        while (vlen > 0 && isspace((unsigned char) v[vlen - 1]))
                v[--vlen] = '\0';
        json_t *values = json_object_get(filters, key);
        if (!values) {
                values = json_object();
                if (json_object_set_new(filters, key, values) < 0)
                        return -ENOMEM;
        }
        return json_object_set_new(values, v, json_true()) < 0 ? -ENOMEM : 0;
}
