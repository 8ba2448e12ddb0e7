/* A growable byte buffer: log records being built, output waiting for a slow reader. */
#pragma once

#include <stddef.h>

struct shim_buf {
        char *data;
        size_t len;
        size_t cap;
};

/* Appends n bytes; -ENOMEM on failure (the buffer is unchanged then). */
int shim_buf_append(struct shim_buf *b, const void *p, size_t n);

/* Drops the first n bytes (all of them when n >= len). */
void shim_buf_consume(struct shim_buf *b, size_t n);

/* Frees the storage and empties the buffer. */
void shim_buf_done(struct shim_buf *b);
