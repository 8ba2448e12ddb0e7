#include "human-duration.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

void ctrd_human_duration(int64_t s, char *buf, size_t len) {
        long long h = s / 3600;
        if (s < 1)
                snprintf(buf, len, "Less than a second");
        else if (s == 1)
                snprintf(buf, len, "1 second");
        else if (s < 60)
                snprintf(buf, len, "%lld seconds", (long long) s);
        else if (s / 60 == 1)
                snprintf(buf, len, "About a minute");
        else if (s < 3600)
                snprintf(buf, len, "%lld minutes", (long long) (s / 60));
        else if (h == 1)
                snprintf(buf, len, "About an hour");
        else if (h < 48)
                snprintf(buf, len, "%lld hours", h);
        else if (h < 24 * 7 * 2)
                snprintf(buf, len, "%lld days", h / 24);
        else if (h < 24 * 30 * 2)
                snprintf(buf, len, "%lld weeks", h / 24 / 7);
        else if (h < 24 * 365 * 2)
                snprintf(buf, len, "%lld months", h / 24 / 30);
        else
                snprintf(buf, len, "%lld years", h / 24 / 365);
}

int ctrd_parse_rfc3339(const char *s, int64_t *ret) {
        struct tm tm = { 0 };
        int n = 0;
        if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                         &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 || n != 19)
                return -EINVAL;
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        *ret = (int64_t) timegm(&tm);
        return 0;
}
