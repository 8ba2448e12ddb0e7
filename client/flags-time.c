/* --since/--until values: Go durations, RFC 3339 times and Unix times. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flags.h"

static int64_t unit_ns(const char *u, size_t len) {
        static const struct { const char *name; int64_t ns; } units[] = {
                { "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 }, { "ms", 1000000 },
                { "s", 1000000000LL }, { "m", 60000000000LL }, { "h", 3600000000000LL },
        };
        for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
                if (strlen(units[i].name) == len && strncmp(units[i].name, u, len) == 0)
                        return units[i].ns;
        return 0;
}

int ctl_parse_duration(const char *s, int64_t *ret_ns, struct ctrd_error *err) {
        const char *p = s;
        bool negative = *p == '-';
        if (*p == '-' || *p == '+')
                p++;
        if (strcmp(p, "0") == 0) {
                *ret_ns = 0;
                return 0;
        }
        if (*p == '\0')
                return ctrd_error_set(err, EINVAL, "time: invalid duration \"%s\"", s);
        double total = 0;
        while (*p) {
                char *end;
                if (!isdigit((unsigned char) *p) && *p != '.')
                        return ctrd_error_set(err, EINVAL, "time: invalid duration \"%s\"", s);
                double v = strtod(p, &end);
                if (end == p)
                        return ctrd_error_set(err, EINVAL, "time: invalid duration \"%s\"", s);
                const char *u = end;
                while (*end && !isdigit((unsigned char) *end) && *end != '.')
                        end++;
                int64_t ns = unit_ns(u, (size_t) (end - u));
                if (ns == 0)
                        return ctrd_error_set(err, EINVAL, "time: %s in duration \"%s\"",
                                              u == end ? "missing unit" : "unknown unit", s);
                total += v * (double) ns;
                p = end;
        }
        if (total > 9.2e18)
                return ctrd_error_set(err, ERANGE, "time: invalid duration \"%s\"", s);
        *ret_ns = negative ? -(int64_t) total : (int64_t) total;
        return 0;
}

/* "2006-01-02[T15:04:05[.999999999][Z|±07:00]]"; without a zone the time is local. */
static int parse_rfc3339(const char *s, struct timespec *ret) {
        struct tm tm = { 0 };
        int n = 0;
        if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3)
                return -EINVAL;
        const char *p = s + n;
        long nsec = 0;
        if (*p == 'T') {
                if (sscanf(p, "T%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &n) != 2)
                        return -EINVAL;
                p += n;
                if (*p == ':' && sscanf(p, ":%2d%n", &tm.tm_sec, &n) == 1)
                        p += n;
                if (*p == '.') {
                        int digits = 0;
                        for (p++; isdigit((unsigned char) *p); p++, digits++)
                                if (digits < 9)
                                        nsec = nsec * 10 + (*p - '0');
                        for (; digits < 9; digits++)
                                nsec *= 10;
                }
        }
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        time_t t;
        if (*p == '\0') {
                tm.tm_isdst = -1;
                t = mktime(&tm);
        } else if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
                t = timegm(&tm);
        } else if (*p == '+' || *p == '-') {
                int hh, mm, k = 0;
                if (sscanf(p + 1, "%2d:%2d%n", &hh, &mm, &k) != 2 || p[1 + k] != '\0')
                        return -EINVAL;
                t = timegm(&tm) - (*p == '+' ? 1 : -1) * (hh * 3600 + mm * 60);
        } else {
                return -EINVAL;
        }
        *ret = (struct timespec) { .tv_sec = t, .tv_nsec = nsec };
        return 0;
}

/* "seconds[.nanoseconds]", the form the API takes as is. */
static bool is_unix_time(const char *s) {
        const char *p = s;
        if (!isdigit((unsigned char) *p))
                return false;
        while (isdigit((unsigned char) *p))
                p++;
        if (*p == '.') {
                p++;
                if (!isdigit((unsigned char) *p))
                        return false;
                while (isdigit((unsigned char) *p))
                        p++;
        }
        return *p == '\0';
}

int ctl_parse_timestamp(const char *s, int64_t now, char **ret, struct ctrd_error *err) {
        int64_t ns;
        int r;
        /* As docker's GetTimestamp: a duration counts back from now, in whole seconds. */
        if (strcmp(s, "0") != 0 && ctl_parse_duration(s, &ns, NULL) >= 0)
                r = asprintf(ret, "%lld", (long long) (now - ns / 1000000000));
        else if (is_unix_time(s))
                r = asprintf(ret, "%s", s);
        else {
                struct timespec ts;
                if (parse_rfc3339(s, &ts) < 0)
                        return ctrd_error_set(err, EINVAL,
                                              "failed to parse value as time or duration: \"%s\"", s);
                r = asprintf(ret, "%lld.%09ld", (long long) ts.tv_sec, ts.tv_nsec);
        }
        return r < 0 ? -ENOMEM : 0;
}
