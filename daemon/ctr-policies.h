/* Sizes as Docker's log options and --tmpfs spell them. */
#pragma once

#include <stdint.h>

/* "10m", "1.5g", "512k", "100" (bytes), binary units as go-units' RAMInBytes;
 * -EINVAL when malformed. */
int ctr_parse_size(const char *s, int64_t *ret);
