/*
 * Cuts one output stream into log messages the way dockerd does: a message
 * is a whole line with its "\n", or, when a line grows past
 * SHIM_LOG_LINE_MAX bytes, a 16 KiB piece without one (a "partial" message;
 * readers join partials up to the next "\n"). Bytes with no newline yet wait
 * in the buffer until the line ends, the buffer fills, or the stream ends.
 */
#pragma once

#include <stddef.h>

#define SHIM_LOG_LINE_MAX (16 * 1024)

struct shim_linesplit {
        char *buf;              /* SHIM_LOG_LINE_MAX bytes, allocated on first use */
        size_t len;
};

/* Called once per message; a negative return stops the split and is passed up. */
typedef int (*shim_linesplit_fn)(const char *msg, size_t len, void *userdata);

int shim_linesplit_feed(struct shim_linesplit *s, const char *data, size_t len,
                        shim_linesplit_fn emit, void *userdata);

/* End of stream: emits what is buffered as a final partial message. */
int shim_linesplit_flush(struct shim_linesplit *s, shim_linesplit_fn emit, void *userdata);

void shim_linesplit_done(struct shim_linesplit *s);
