#include "shim-spawn.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "log.h"
#include "macro.h"
#include "shim-client.h"

/* The start line is one short JSON object; anything longer is a broken shim. */
#define SYNC_LINE_MAX 4096

struct spawn {
        uv_process_t proc;
        uv_pipe_t sync;
        int open_handles;
        char buf[SYNC_LINE_MAX];
        size_t len;
        bool reported;
        shim_spawn_cb cb;
        void *userdata;
};

static void on_closed(uv_handle_t *h) {
        struct spawn *s = h->data;
        if (--s->open_handles == 0)
                free(s);
}

static void report(struct spawn *s, int r, pid_t pid, const struct ctrd_error *err) {
        if (s->reported)
                return;
        s->reported = true;
        s->cb(r, pid, err, s->userdata);
}

static void finish_from_line(struct spawn *s) {
        struct ctrd_error err = { 0 };
        pid_t pid = 0;
        if (s->len == 0) {
                ctrd_error_set(&err, EPROTO, "the shim ended before reporting the container's start; "
                               "see the daemon log");
                report(s, -EPROTO, 0, &err);
                return;
        }
        int r = ctrd_shim_parse_start(s->buf, s->len, &pid, &err);
        report(s, r < 0 ? r : 0, pid, &err);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
        struct spawn *s = h->data;
        *buf = uv_buf_init(s->buf + s->len, (unsigned) (sizeof(s->buf) - s->len));
}

static void on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf) {
        struct spawn *s = st->data;
        if (n > 0) {
                s->len += (size_t) n;
                char *nl = memchr(s->buf, '\n', s->len);
                if (!nl && s->len < sizeof(s->buf))
                        return;
                if (nl)
                        s->len = (size_t) (nl - s->buf);
        } else if (n == 0) {
                return;
        }
        /* A full line, EOF or an error: the shim has said all it will. */
        uv_read_stop(st);
        finish_from_line(s);
        uv_close((uv_handle_t *) &s->sync, on_closed);
}

static void on_starter_exit(uv_process_t *p, int64_t status, int signo) {
        struct spawn *s = p->data;
        if (status != 0 || signo != 0)
                log_debug("the shim's starter process ended with status %" PRId64 ", signal %d",
                          status, signo);
        uv_close((uv_handle_t *) &s->proc, on_closed);
}

int shim_spawn(uv_loop_t *loop, const struct shim_spawn_opts *o, shim_spawn_cb cb, void *userdata,
               struct ctrd_error *err) {
        struct spawn *s = calloc(1, sizeof(*s));
        if (!s)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        s->cb = cb;
        s->userdata = userdata;
        s->proc.data = s->sync.data = s;

        char max_size[32], max_files[16];
        snprintf(max_size, sizeof(max_size), "%" PRIu64, o->log_max_size);
        snprintf(max_files, sizeof(max_files), "%u", o->log_max_files ? o->log_max_files : 1);
        char *args[22 + 2 * SHIM_SPAWN_MAX_ATTACH] = {
                (char *) o->shim_path, (char *) "daemon",
                (char *) "--bundle", (char *) o->bundle, (char *) "--id", (char *) o->id,
                (char *) "--run-dir", (char *) o->run_dir,
                (char *) "--log-path", (char *) o->log_path,
                (char *) "--log-max-size", max_size, (char *) "--log-max-files", max_files,
                (char *) "--sync-fd", (char *) "3",
        };
        size_t n = 16;
        if (o->seccomp_cache) {
                args[n++] = (char *) "--seccomp-cache";
                args[n++] = (char *) o->seccomp_cache;
        }
        if (o->open_stdin)
                args[n++] = (char *) "--stdin";
        uv_pipe_init(loop, &s->sync, 0);
        s->open_handles = 1;
        uv_stdio_container_t stdio[4 + SHIM_SPAWN_MAX_ATTACH] = {
                { .flags = UV_IGNORE },
                { .flags = UV_IGNORE },
                /* The shim's own diagnostics go where the daemon's go (the journal). */
                { .flags = UV_INHERIT_FD, .data.fd = 2 },
                { .flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t *) &s->sync },
        };
        /* Early attach clients become fds 4, 5, ... of the shim. */
        char attach_args[SHIM_SPAWN_MAX_ATTACH][48];
        size_t n_stdio = 4;
        for (size_t i = 0; i < o->n_attach && i < SHIM_SPAWN_MAX_ATTACH; i++) {
                const struct shim_spawn_attach *a = &o->attach[i];
                stdio[n_stdio] = (uv_stdio_container_t) { .flags = UV_INHERIT_FD, .data.fd = a->fd };
                snprintf(attach_args[i], sizeof(attach_args[i]), "%zu:%s%s%s", n_stdio,
                         a->in ? "stdin," : "", a->out ? "stdout," : "", a->err ? "stderr," : "");
                attach_args[i][strlen(attach_args[i]) - 1] = '\0';     /* the last comma */
                n_stdio++;
                args[n++] = (char *) "--attach";
                args[n++] = attach_args[i];
        }
        args[n] = NULL;
        uv_process_options_t po = {
                .exit_cb = on_starter_exit,
                .file = o->shim_path,
                .args = args,
                .stdio = stdio,
                .stdio_count = (int) n_stdio,
        };
        int r = uv_spawn(loop, &s->proc, &po);
        if (r < 0) {
                uv_close((uv_handle_t *) &s->sync, on_closed);
                return ctrd_error_set(err, -r, "starting the shim '%s': %s", o->shim_path, uv_strerror(r));
        }
        s->open_handles++;
        r = uv_read_start((uv_stream_t *) &s->sync, on_alloc, on_read);
        if (r < 0) {
                /* Without the line we cannot know the pid: report through the normal path. */
                log_error("reading the shim's start line: %s", uv_strerror(r));
                s->len = 0;
                uv_close((uv_handle_t *) &s->sync, on_closed);
                /* the exit callback still runs; report once it has */
                ctrd_error_set(err, -r, "reading the shim's start line: %s", uv_strerror(r));
                report(s, r, 0, err);
        }
        return 0;
}
