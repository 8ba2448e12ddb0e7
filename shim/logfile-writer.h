/*
 * The container's log file in json-file format, with dockerd's rotation:
 * when a record would take the file past max_size, "log" becomes "log.1",
 * "log.1" becomes "log.2", ... and the oldest beyond max_files - 1 is dropped
 * (max_files 1 truncates in place). max_size 0 means never rotate.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "logfile-json.h"

struct shim_logfile;

struct shim_logfile_opts {
        const char *path;
        uint64_t max_size;      /* bytes; 0 = unlimited */
        unsigned max_files;     /* >= 1 */
};

int shim_logfile_open(const struct shim_logfile_opts *opts, struct shim_logfile **ret,
                      struct ctrd_error *err);

/* Feeds output of stream s; complete messages are written at once, the rest waits. */
int shim_logfile_feed(struct shim_logfile *lf, enum shim_stream s, const char *data, size_t len,
                      struct ctrd_error *err);

/* End of stream s: writes its pending partial line. */
int shim_logfile_flush(struct shim_logfile *lf, enum shim_stream s, struct ctrd_error *err);

/* Flushes nothing (call shim_logfile_flush first); closes and frees. Accepts NULL. */
void shim_logfile_free(struct shim_logfile *lf);
