/* String parsing shared by the daemon, the client and the shim. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Docker's boolean query parameters: trimmed and lowercased, "", "0", "no",
 * "false" and "none" are false, anything else is true. NULL is false. */
bool ctrd_parse_query_bool(const char *s);

/* Parses a whole decimal integer in [min, max]; -EINVAL or -ERANGE otherwise. */
int ctrd_parse_int64(const char *s, int64_t min, int64_t max, int64_t *ret);

/* true when s begins with prefix. */
static inline bool ctrd_startswith(const char *s, const char *prefix) {
        while (*prefix)
                if (*s++ != *prefix++)
                        return false;
        return true;
}
