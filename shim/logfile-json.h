/*
 * Docker's json-file log format: one JSON object per message,
 *     {"log":"hi\n","stream":"stdout","time":"2026-11-29T00:18:11.473318136Z"}
 * so `docker logs`, and anything else that reads dockerd's files, reads ours.
 */
#pragma once

#include <errno.h>
#include <stddef.h>

#include "stdio-buf.h"

enum shim_stream {
        SHIM_STREAM_STDIN = 0,          /* numbered as in Docker's multiplexed frames */
        SHIM_STREAM_STDOUT = 1,
        SHIM_STREAM_STDERR = 2,
        _SHIM_STREAM_MAX,
        _SHIM_STREAM_INVALID = -EINVAL,
};

const char *shim_stream_to_string(enum shim_stream s);

/*
 * Appends one record for the message data[0..len) (a whole line including its
 * "\n", or a partial one without) and a trailing newline to out.
 */
int shim_logjson_encode(struct shim_buf *out, enum shim_stream s, const char *data, size_t len,
                        const char *time);
