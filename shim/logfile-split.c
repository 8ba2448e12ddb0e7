#include "logfile-split.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Appends to the pending line, emitting a partial message each time it fills. */
static int buffer_bytes(struct shim_linesplit *s, const char *p, size_t n,
                        shim_linesplit_fn emit, void *userdata) {
        if (!s->buf) {
                s->buf = malloc(SHIM_LOG_LINE_MAX);
                if (!s->buf)
                        return -ENOMEM;
        }
        while (n > 0) {
                size_t k = SHIM_LOG_LINE_MAX - s->len;
                if (k > n)
                        k = n;
                memcpy(s->buf + s->len, p, k);
                s->len += k;
                p += k;
                n -= k;
                if (s->len == SHIM_LOG_LINE_MAX) {
                        s->len = 0;
                        int r = emit(s->buf, SHIM_LOG_LINE_MAX, userdata);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

int shim_linesplit_feed(struct shim_linesplit *s, const char *data, size_t len,
                        shim_linesplit_fn emit, void *userdata) {
        while (len > 0) {
                const char *nl = memchr(data, '\n', len);
                size_t n = nl ? (size_t) (nl - data) + 1 : len;
                int r;

                if (!nl)
                        return buffer_bytes(s, data, n, emit, userdata);
                if (s->len == 0 && n <= SHIM_LOG_LINE_MAX) {
                        /* The common case: a whole short line, emitted without copying. */
                        r = emit(data, n, userdata);
                } else {
                        /* Finish the pending line; its last piece carries the "\n". */
                        r = buffer_bytes(s, data, n - 1, emit, userdata);
                        if (r >= 0)
                                r = buffer_bytes(s, "\n", 1, emit, userdata);
                        if (r >= 0 && s->len > 0) {
                                size_t pending = s->len;
                                s->len = 0;
                                r = emit(s->buf, pending, userdata);
                        }
                }
                if (r < 0)
                        return r;
                data += n;
                len -= n;
        }
        return 0;
}

int shim_linesplit_flush(struct shim_linesplit *s, shim_linesplit_fn emit, void *userdata) {
        if (s->len == 0)
                return 0;
        size_t pending = s->len;
        s->len = 0;
        return emit(s->buf, pending, userdata);
}

void shim_linesplit_done(struct shim_linesplit *s) {
        free(s->buf);
        *s = (struct shim_linesplit) { 0 };
}
