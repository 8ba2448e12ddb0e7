/*
 * Running image work in ctrd-image-worker (docs/image-worker.md): the
 * transfers and archive work that need libcurl and libarchive happen in a
 * process of their own, started per job, so the daemon never maps those
 * libraries and the dozens they pull in.
 *
 * The job's request goes to the worker's stdin as one JSON object; its data
 * stream, if any (an uploaded tar to read, an archive file to write), is its
 * fd 3. The worker answers on stdout with JSON lines: {"progress": {...}}
 * any number of times, then {"result": {...}} or {"error": {"code", "message"}}.
 * Everything that touches SQLite stays in the daemon, on the loop: the job's
 * owner records what the result says.
 */
#pragma once

#include <jansson.h>
#include <uv.h>

#include "error.h"

/* msg is borrowed. */
typedef void (*image_worker_progress_fn)(json_t *msg, void *userdata);

/*
 * On the loop, once the worker has exited and its output is read. result is
 * borrowed, non-NULL exactly when r >= 0.
 */
typedef void (*image_worker_done_fn)(int r, const struct ctrd_error *err, json_t *result,
                                     void *userdata);

struct image_worker_job {
        const char *verb;               /* "import", "load", "save", "pull", "push", ... */
        json_t *request;                /* borrowed; may hold credentials (never on argv) */
        int data_fd;                    /* the worker's fd 3, or -1; borrowed */
        image_worker_progress_fn progress;      /* may be NULL */
        image_worker_done_fn done;
        void *userdata;
};

/*
 * Starts `worker_path VERB --data-root DATA_ROOT`. On failure nothing is
 * called back. done is called exactly once otherwise.
 */
int image_worker_start(uv_loop_t *loop, const char *worker_path, const char *data_root,
                       const struct image_worker_job *job, struct ctrd_error *err);
