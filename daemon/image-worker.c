#include "image-worker.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs-util.h"
#include "log.h"

/* A worker's line longer than this is not one we wrote: the job fails. */
#define LINE_MAX_BYTES (16u * 1024 * 1024)

struct worker {
        uv_process_t proc;
        uv_pipe_t out;
        int open_handles;
        bool exited, eof;
        int64_t exit_status;
        int term_signal;
        char *verb;
        char *buf;
        size_t len, cap;
        json_t *result;
        struct ctrd_error err;          /* from an {"error"} line, or ours */
        image_worker_progress_fn progress;
        image_worker_done_fn done;
        void *userdata;
};

static void worker_free(struct worker *w) {
        json_decref(w->result);
        free(w->buf);
        free(w->verb);
        free(w);
}

static void on_closed(uv_handle_t *h) {
        struct worker *w = h->data;
        if (--w->open_handles == 0)
                worker_free(w);
}

/* Once the worker has exited and its stdout is drained: exactly one answer. */
static void maybe_finish(struct worker *w) {
        if (!w->exited || !w->eof)
                return;
        int r = 0;
        if (w->err.code)
                r = -w->err.code;
        else if (!w->result || w->exit_status != 0 || w->term_signal)
                r = w->term_signal ? ctrd_error_set(&w->err, EIO, "the image worker (%s) was "
                                                    "killed by signal %d", w->verb, w->term_signal)
                                   : ctrd_error_set(&w->err, EIO, "the image worker (%s) exited "
                                                    "with status %lld and no answer", w->verb,
                                                    (long long) w->exit_status);
        w->done(r, &w->err, r >= 0 ? w->result : NULL, w->userdata);
        uv_close((uv_handle_t *) &w->proc, on_closed);
}

static void on_exit_cb(uv_process_t *p, int64_t status, int signo) {
        struct worker *w = p->data;
        w->exited = true;
        w->exit_status = status;
        w->term_signal = signo;
        maybe_finish(w);
}

static void fail_protocol(struct worker *w, const char *what) {
        if (!w->err.code)
                ctrd_error_set(&w->err, EPROTO, "the image worker (%s) %s", w->verb, what);
}

static void handle_line(struct worker *w, const char *line, size_t len) {
        json_auto_t *m = json_loadb(line, len, 0, NULL);
        json_t *v;
        if (!m || !json_is_object(m))
                return fail_protocol(w, "wrote a line that is not a JSON object");
        if ((v = json_object_get(m, "progress"))) {
                if (w->progress && !w->err.code && !w->result)
                        w->progress(v, w->userdata);
        } else if ((v = json_object_get(m, "result"))) {
                if (w->result)
                        return fail_protocol(w, "answered twice");
                w->result = json_incref(v);
        } else if ((v = json_object_get(m, "error"))) {
                json_int_t code = json_integer_value(json_object_get(v, "code"));
                const char *msg = json_string_value(json_object_get(v, "message"));
                if (!w->err.code)
                        ctrd_error_set(&w->err, code > 0 && code < 4096 ? (int) code : EIO, "%s",
                                       msg ? msg : "the image worker failed");
        } else {
                fail_protocol(w, "wrote an unknown message");
        }
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
        struct worker *w = h->data;
        if (w->cap - w->len < 4096) {
                size_t cap = w->cap ? w->cap * 2 : 16384;
                char *b = cap <= LINE_MAX_BYTES + 4096 ? realloc(w->buf, cap) : NULL;
                if (!b) {
                        *buf = uv_buf_init(NULL, 0);    /* read_cb gets UV_ENOBUFS */
                        return;
                }
                w->buf = b;
                w->cap = cap;
        }
        (void) suggested;
        *buf = uv_buf_init(w->buf + w->len, (unsigned) (w->cap - w->len));
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
        struct worker *w = s->data;
        (void) buf;
        if (n < 0) {
                if (n != UV_EOF)
                        fail_protocol(w, n == UV_ENOBUFS ? "wrote a line that is too long"
                                                         : "output could not be read");
                w->eof = true;
                uv_close((uv_handle_t *) &w->out, on_closed);
                /* A worker that keeps writing after this gets EPIPE and ends. */
                return maybe_finish(w);
        }
        w->len += (size_t) n;
        char *start = w->buf, *nl;
        while ((nl = memchr(start, '\n', w->len - (size_t) (start - w->buf)))) {
                handle_line(w, start, (size_t) (nl - start));
                start = nl + 1;
        }
        w->len -= (size_t) (start - w->buf);
        memmove(w->buf, start, w->len);
}

/* The request in a memory file: any size, no blocking write, gone with its last fd. */
static int request_fd(json_t *request, struct ctrd_error *err) {
        _cleanup_free_ char *text = json_dumps(request, JSON_COMPACT);
        if (!text)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        size_t len = strlen(text);
        _cleanup_close_ int fd = memfd_create("ctrd-image-request", MFD_CLOEXEC);
        int r = fd >= 0 ? ctrd_write_all(fd, text, len) : -errno;
        /* It may hold registry credentials. */
        explicit_bzero(text, len);
        if (r < 0)
                return ctrd_error_sys(err, -r, "writing the image worker's request");
        if (lseek(fd, 0, SEEK_SET) < 0)
                return ctrd_error_sys(err, errno, "rewinding the image worker's request");
        return TAKE_FD(fd);
}

int image_worker_start(uv_loop_t *loop, const char *worker_path, const char *data_root,
                       const struct image_worker_job *job, struct ctrd_error *err) {
        _cleanup_close_ int in = request_fd(job->request, err);
        if (in < 0)
                return in;
        struct worker *w = calloc(1, sizeof(*w));
        if (!w || !(w->verb = strdup(job->verb))) {
                free(w);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        w->progress = job->progress;
        w->done = job->done;
        w->userdata = job->userdata;
        w->proc.data = w->out.data = w;
        uv_pipe_init(loop, &w->out, 0);
        w->open_handles = 1;

        char *args[] = { (char *) worker_path, (char *) job->verb, (char *) "--data-root",
                         (char *) data_root, NULL };
        uv_stdio_container_t stdio[4] = {
                { .flags = UV_INHERIT_FD, .data.fd = in },
                { .flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t *) &w->out },
                /* Its diagnostics go where the daemon's go. */
                { .flags = UV_INHERIT_FD, .data.fd = 2 },
                { .flags = job->data_fd >= 0 ? UV_INHERIT_FD : UV_IGNORE, .data.fd = job->data_fd },
        };
        uv_process_options_t po = {
                .exit_cb = on_exit_cb,
                .file = worker_path,
                .args = args,
                .stdio = stdio,
                .stdio_count = job->data_fd >= 0 ? 4 : 3,
        };
        int r = uv_spawn(loop, &w->proc, &po);
        if (r < 0) {
                uv_close((uv_handle_t *) &w->out, on_closed);
                /* EIO whatever the reason: a missing worker is the daemon's fault, not a 404. */
                return ctrd_error_set(err, EIO, "starting the image worker '%s': %s", worker_path,
                                      uv_strerror(r));
        }
        w->open_handles++;
        r = uv_read_start((uv_stream_t *) &w->out, on_alloc, on_read);
        if (r < 0) {
                /* The exit still comes; the job fails then, through done. */
                ctrd_error_set(&w->err, -r, "reading the image worker's answer: %s", uv_strerror(r));
                w->eof = true;
                uv_close((uv_handle_t *) &w->out, on_closed);
        }
        log_debug("image worker %s started (pid %d)", job->verb, w->proc.pid);
        return 0;
}
