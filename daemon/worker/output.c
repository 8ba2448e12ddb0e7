/* The worker's side of the line protocol: whole JSON lines on stdout, one writer at a time. */
#include "worker.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs-util.h"

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static int write_line(json_t *line) {
        _cleanup_free_ char *text = json_dumps(line, JSON_COMPACT);
        size_t len = text ? strlen(text) : 0;
        char *grown = text ? realloc(text, len + 2) : NULL;
        if (!grown)
                return -ENOMEM;
        text = grown;
        text[len++] = '\n';
        pthread_mutex_lock(&out_lock);
        int r = ctrd_write_all(STDOUT_FILENO, text, len);
        pthread_mutex_unlock(&out_lock);
        return r;
}

void worker_progress(json_t *m) {
        if (!m)
                return;
        json_t *line = json_pack("{s:o}", "progress", m);
        if (line)
                write_line(line);       /* a daemon that stopped reading learns nothing more */
        json_decref(line);
}

int worker_answer(json_t *result, const struct ctrd_error *err) {
        json_t *line = result ? json_pack("{s:O}", "result", result)
                              : json_pack("{s:{s:i, s:s}}", "error", "code", err->code ? err->code : EIO,
                                          "message", err->msg);
        int r = line ? write_line(line) : -ENOMEM;
        json_decref(line);
        return r;
}
