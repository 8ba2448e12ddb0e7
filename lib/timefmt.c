#include "timefmt.h"

#include <stdio.h>

void ctrd_format_rfc3339(const struct timespec *ts, char *buf, size_t len) {
        struct tm tm;
        if (len == 0)
                return;
        if (!gmtime_r(&ts->tv_sec, &tm)) {
                buf[0] = '\0';
                return;
        }
        char date[32];
        strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(buf, len, "%s.%09ldZ", date, (long) ts->tv_nsec);
}

void ctrd_format_rfc3339_now(char *buf, size_t len) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ctrd_format_rfc3339(&ts, buf, len);
}
