#include "monitor-exit.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cleanup.h"
#include "fs-util.h"

void shim_status_set_exited(struct shim_status *st, int wait_status) {
        st->exited = true;
        if (WIFSIGNALED(wait_status)) {
                st->signal = WTERMSIG(wait_status);
                st->exit_code = 128 + st->signal;
        } else {
                st->signal = 0;
                st->exit_code = WEXITSTATUS(wait_status);
        }
        ctrd_format_rfc3339_now(st->finished_at, SHIM_TIME_MAX);
}

char *shim_exit_render(const struct shim_status *st) {
        json_t *o = json_pack("{s:i, s:i, s:s, s:b}",
                              "exit_code", st->exit_code,
                              "signal", st->signal,
                              "finished_at", st->finished_at,
                              "oom_killed", st->oom_killed);
        if (!o)
                return NULL;
        char *s = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        return s;
}

int shim_exit_file_write(const char *run_dir, const struct shim_status *st, struct ctrd_error *err) {
        _cleanup_free_ char *text = shim_exit_render(st);
        _cleanup_free_ char *path = NULL;
        if (!text || asprintf(&path, "%s/" SHIM_EXIT_FILE, run_dir) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");

        size_t len = strlen(text);
        text[len] = '\n';       /* json_dumps' NUL becomes the line end; len + 1 bytes are ours */
        return ctrd_write_file_atomic(path, text, len + 1, 0644, err);
}
