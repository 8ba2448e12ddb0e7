#include "container-logs.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"

#define MAX_GENERATIONS 1000
#define READ_CHUNK (64 * 1024)

struct log_reader {
        char *path;
        int gen;                        /* generation being read; 0 = the live file */
        int fd;
        ino_t ino;
        char *buf;                      /* bytes read but not yet consumed */
        size_t len, off, cap;
        json_t *current;                /* the record handed out last */
};

int log_time_parse(const char *s, int64_t *ret) {
        struct tm tm = { 0 };
        int n = 0;
        if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                         &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 || n != 19)
                return -EINVAL;
        int64_t ns = 0;
        const char *p = s + 19;
        if (*p == '.') {
                int digits = 0;
                for (p++; *p >= '0' && *p <= '9'; p++, digits++)
                        if (digits < 9)
                                ns = ns * 10 + (*p - '0');
                for (; digits < 9; digits++)
                        ns *= 10;
        }
        if (*p != 'Z')
                return -EINVAL;
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        *ret = (int64_t) timegm(&tm) * 1000000000 + ns;
        return 0;
}

static char *generation_path(const struct log_reader *r, int gen) {
        char *p = NULL;
        if ((gen ? asprintf(&p, "%s.%d", r->path, gen) : asprintf(&p, "%s", r->path)) < 0)
                return NULL;
        return p;
}

/* Opens generation gen (missing files are skipped by the caller). */
static int open_generation(struct log_reader *r, int gen, struct ctrd_error *err) {
        _cleanup_free_ char *p = generation_path(r, gen);
        if (!p)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) {
                if (errno == ENOENT)
                        return -ENOENT;
                return ctrd_error_sys(err, errno, "opening log '%s'", p);
        }
        struct stat st;
        if (fstat(fd, &st) < 0) {
                int e = errno;
                close(fd);
                return ctrd_error_sys(err, e, "checking log '%s'", p);
        }
        r->fd = fd;
        r->ino = st.st_ino;
        r->gen = gen;
        return 0;
}

int log_reader_open(const char *path, struct log_reader **ret, struct ctrd_error *err) {
        struct log_reader *r = calloc(1, sizeof(*r));
        if (!r || !(r->path = strdup(path))) {
                free(r);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        r->fd = -EBADF;
        /* Start from the oldest generation that exists. */
        int oldest = 0;
        for (int g = 1; g < MAX_GENERATIONS; g++) {
                _cleanup_free_ char *p = generation_path(r, g);
                if (!p || access(p, F_OK) < 0)
                        break;
                oldest = g;
        }
        r->gen = oldest;
        int e = open_generation(r, oldest, err);
        if (e < 0 && e != -ENOENT) {
                log_reader_free(r);
                return e;
        }
        *ret = r;
        return 0;
}

void log_reader_free(struct log_reader *r) {
        if (!r)
                return;
        safe_close(r->fd);
        json_decref(r->current);
        free(r->buf);
        free(r->path);
        free(r);
}

/* Moves to the next generation (or re-opens the live file after a rotation). */
static int advance(struct log_reader *r, struct ctrd_error *err) {
        if (r->gen == 0) {
                /* The live file: a different inode at the path means the shim rotated it. */
                struct stat st;
                _cleanup_free_ char *p = generation_path(r, 0);
                if (!p || stat(p, &st) < 0 || (r->fd >= 0 && st.st_ino == r->ino))
                        return 0;
                r->fd = safe_close(r->fd);
                int e = open_generation(r, 0, err);
                return e == -ENOENT ? 0 : (e < 0 ? e : 1);
        }
        r->fd = safe_close(r->fd);
        for (int g = r->gen - 1; g >= 0; g--) {
                int e = open_generation(r, g, err);
                if (e == 0)
                        return 1;
                if (e != -ENOENT)
                        return e;
        }
        r->gen = 0;
        return 0;
}

static int fill(struct log_reader *r, struct ctrd_error *err) {
        if (r->off > 0) {
                memmove(r->buf, r->buf + r->off, r->len - r->off);
                r->len -= r->off;
                r->off = 0;
        }
        if (r->cap - r->len < READ_CHUNK) {
                char *nb = realloc(r->buf, r->len + READ_CHUNK);
                if (!nb)
                        return ctrd_error_set(err, ENOMEM, "out of memory reading a log");
                r->buf = nb;
                r->cap = r->len + READ_CHUNK;
        }
        if (r->fd < 0)
                return 0;
        ssize_t n = read(r->fd, r->buf + r->len, r->cap - r->len);
        if (n < 0)
                return ctrd_error_sys(err, errno, "reading log '%s'", r->path);
        r->len += (size_t) n;
        return (int) (n > 0);
}

static int decode(struct log_reader *r, const char *line, size_t len, struct log_record *ret) {
        json_decref(r->current);
        r->current = json_loadb(line, len, 0, NULL);
        const char *stream = json_string_value(json_object_get(r->current, "stream"));
        json_t *log = json_object_get(r->current, "log");
        if (!stream || !json_is_string(log))
                return 0;       /* not a record of ours: skip it */
        *ret = (struct log_record) {
                .stream = strcmp(stream, "stderr") == 0 ? 2 : 1,
                .data = json_string_value(log),
                .len = json_string_length(log),
                .time = json_string_value(json_object_get(r->current, "time")),
        };
        if (!ret->time || log_time_parse(ret->time, &ret->time_ns) < 0)
                ret->time = "", ret->time_ns = 0;
        return 1;
}

int log_reader_next(struct log_reader *r, struct log_record *ret, size_t max_bytes,
                    struct ctrd_error *err) {
        size_t budget = max_bytes;
        for (;;) {
                char *nl = r->off < r->len ? memchr(r->buf + r->off, '\n', r->len - r->off) : NULL;
                if (nl) {
                        char *line = r->buf + r->off;
                        size_t len = (size_t) (nl - line);
                        r->off += len + 1;
                        if (decode(r, line, len, ret))
                                return 1;
                        continue;
                }
                if (budget == 0)
                        return 0;
                int n = fill(r, err);
                if (n < 0)
                        return n;
                if (n > 0) {
                        budget = budget > READ_CHUNK ? budget - READ_CHUNK : 0;
                        continue;
                }
                /* End of this file: an older generation's tail has no partial line worth keeping. */
                if (r->gen > 0)
                        r->len = r->off = 0;
                int a = advance(r, err);
                if (a <= 0)
                        return a;
        }
}
