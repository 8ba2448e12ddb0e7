/* File-system helpers: each returns 0 or -errno and fills err with the path. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* Creates dir and its missing parents with mode; an existing directory is fine. */
int ctrd_mkdir_p(const char *path, mode_t mode, struct ctrd_error *err);

/* Reads a whole file (at most max bytes) into a NUL-terminated heap buffer. */
int ctrd_read_file(const char *path, size_t max, char **ret, size_t *ret_len,
                   struct ctrd_error *err);

/* Writes data to path through a temp file + fsync + rename, so readers see old or new. */
int ctrd_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
                           struct ctrd_error *err);

/*
 * The same without the fsync, for files rebuilt from the records whenever
 * they are needed (a container's bundle and /etc files at each start): after
 * a crash they are rewritten anyway, and a sync per file costs a journal
 * commit on the start path.
 */
int ctrd_write_file_replace(const char *path, const void *data, size_t len, mode_t mode,
                            struct ctrd_error *err);

/* Writes all of buf to fd, retrying on EINTR and short writes. */
int ctrd_write_all(int fd, const void *buf, size_t len);
