/* Time stamps as Docker writes them. */
#pragma once

#include <stddef.h>
#include <time.h>

/* RFC 3339 with nanoseconds in UTC: "2026-11-29T00:18:11.473318136Z". */
void ctrd_format_rfc3339(const struct timespec *ts, char *buf, size_t len);
void ctrd_format_rfc3339_now(char *buf, size_t len);
