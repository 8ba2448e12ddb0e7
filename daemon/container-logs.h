/*
 * Reading a container's json-file log (written by its shim): the rotated
 * generations oldest first (LOG.N ... LOG.1), then LOG itself, which may
 * still grow. Records are decoded from Docker's format:
 *     {"log":"hi\n","stream":"stdout","time":"2026-11-29T00:18:11.473318136Z"}
 * A partial last line is held back until the writer completes it.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct log_reader;

struct log_record {
        int stream;                     /* 1 stdout, 2 stderr (Docker's frame numbers) */
        const char *data;               /* valid until the next call */
        size_t len;
        const char *time;               /* RFC 3339 with ns, as written */
        int64_t time_ns;                /* unix ns, 0 when the time did not parse */
};

/* A missing log (a container that never ran) reads as empty. */
int log_reader_open(const char *path, struct log_reader **ret, struct ctrd_error *err);
void log_reader_free(struct log_reader *r);

/*
 * Reads the next record: 1 and *ret filled, 0 when nothing more is there
 * now (call again later to follow), < 0 on a read error. Reads at most
 * max_bytes of file before returning 0, so one call never blocks for long.
 */
int log_reader_next(struct log_reader *r, struct log_record *ret, size_t max_bytes,
                    struct ctrd_error *err);

/* Parses "2026-...Z" to unix ns; -EINVAL when malformed. */
int log_time_parse(const char *s, int64_t *ret_ns);
