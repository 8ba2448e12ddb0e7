/* Durations as Docker's go-units HumanDuration prints them ("About a minute"). */
#pragma once

#include <stddef.h>
#include <stdint.h>

void ctrd_human_duration(int64_t seconds, char *buf, size_t len);

/* Parses the seconds of an RFC 3339 UTC time ("...Z"); -EINVAL when it is not one. */
int ctrd_parse_rfc3339(const char *s, int64_t *ret_seconds);
