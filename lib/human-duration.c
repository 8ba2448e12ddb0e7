#include "human-duration.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

/* go-units HumanDuration: hours are rounded, everything below them truncated. */
void ctrd_human_duration(int64_t seconds, char *buf, size_t len) {
        int64_t minutes = seconds / 60;
        int64_t hours = (int64_t) ((double) seconds / 3600.0 + 0.5);
        if (seconds < 1)
                snprintf(buf, len, "Less than a second");
        else if (seconds == 1)
                snprintf(buf, len, "1 second");
        else if (seconds < 60)
                snprintf(buf, len, "%lld seconds", (long long) seconds);
        else if (minutes == 1)
                snprintf(buf, len, "About a minute");
        else if (minutes < 60)
                snprintf(buf, len, "%lld minutes", (long long) minutes);
        else if (hours == 1)
                snprintf(buf, len, "About an hour");
        else if (hours < 48)
                snprintf(buf, len, "%lld hours", (long long) hours);
        else if (hours < 24 * 7 * 2)
                snprintf(buf, len, "%lld days", (long long) (hours / 24));
        else if (hours < 24 * 30 * 2)
                snprintf(buf, len, "%lld weeks", (long long) (hours / 24 / 7));
        else if (hours < 24 * 365 * 2)
                snprintf(buf, len, "%lld months", (long long) (hours / 24 / 30));
        else
                snprintf(buf, len, "%lld years", (long long) ((double) seconds / 3600 / 24 / 365));
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
