#include "logfile-writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs-util.h"
#include "logfile-split.h"
#include "monitor-exit.h"
#include "timefmt.h"

struct shim_logfile {
        char *path;
        uint64_t max_size;
        unsigned max_files;
        int fd;
        uint64_t size;
        struct shim_linesplit split[_SHIM_STREAM_MAX];
        struct shim_buf record;         /* reused for every record */
        struct ctrd_error *err;         /* where the current feed reports */
        enum shim_stream stream;        /* the stream being fed */
};

static int open_log(struct shim_logfile *lf, struct ctrd_error *err) {
        lf->fd = open(lf->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640);
        if (lf->fd < 0)
                return ctrd_error_sys(err, errno, "opening log file '%s'", lf->path);
        struct stat st;
        if (fstat(lf->fd, &st) < 0)
                return ctrd_error_sys(err, errno, "checking log file '%s'", lf->path);
        lf->size = (uint64_t) st.st_size;
        return 0;
}

static int rename_generation(const char *path, unsigned from, unsigned to, struct ctrd_error *err) {
        _cleanup_free_ char *src = NULL, *dst = NULL;
        if ((from ? asprintf(&src, "%s.%u", path, from) : asprintf(&src, "%s", path)) < 0 ||
            asprintf(&dst, "%s.%u", path, to) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if (rename(src, dst) < 0 && errno != ENOENT)
                return ctrd_error_sys(err, errno, "rotating log '%s' to '%s'", src, dst);
        return 0;
}

static int rotate(struct shim_logfile *lf, struct ctrd_error *err) {
        if (lf->max_files <= 1) {
                if (ftruncate(lf->fd, 0) < 0)
                        return ctrd_error_sys(err, errno, "truncating log file '%s'", lf->path);
                lf->size = 0;
                return 0;
        }
        /* rename() replaces the target, so the oldest generation drops out by itself. */
        for (unsigned i = lf->max_files - 1; i >= 1; i--) {
                int r = rename_generation(lf->path, i - 1, i, err);
                if (r < 0)
                        return r;
        }
        lf->fd = safe_close(lf->fd);
        return open_log(lf, err);
}

static int write_record(const char *msg, size_t len, void *userdata) {
        struct shim_logfile *lf = userdata;
        char now[SHIM_TIME_MAX];
        int r;

        ctrd_format_rfc3339_now(now, SHIM_TIME_MAX);
        lf->record.len = 0;
        r = shim_logjson_encode(&lf->record, lf->stream, msg, len, now);
        if (r < 0)
                return ctrd_error_set(lf->err, -r, "encoding a log record");
        if (lf->max_size > 0 && lf->size > 0 && lf->size + lf->record.len > lf->max_size) {
                r = rotate(lf, lf->err);
                if (r < 0)
                        return r;
        }
        r = ctrd_write_all(lf->fd, lf->record.data, lf->record.len);
        if (r < 0)
                return ctrd_error_sys(lf->err, -r, "writing log file '%s'", lf->path);
        lf->size += lf->record.len;
        return 0;
}

int shim_logfile_open(const struct shim_logfile_opts *opts, struct shim_logfile **ret,
                      struct ctrd_error *err) {
        struct shim_logfile *lf = calloc(1, sizeof(*lf));
        if (!lf)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        lf->fd = -EBADF;
        lf->max_size = opts->max_size;
        lf->max_files = opts->max_files ? opts->max_files : 1;
        lf->path = strdup(opts->path);
        int r = lf->path ? open_log(lf, err) : ctrd_error_set(err, ENOMEM, "out of memory");
        if (r < 0) {
                shim_logfile_free(lf);
                return r;
        }
        *ret = lf;
        return 0;
}

int shim_logfile_feed(struct shim_logfile *lf, enum shim_stream s, const char *data, size_t len,
                      struct ctrd_error *err) {
        if (s < 0 || s >= _SHIM_STREAM_MAX)
                return ctrd_error_set(err, EINVAL, "invalid stream %d", (int) s);
        lf->err = err;
        lf->stream = s;
        return shim_linesplit_feed(&lf->split[s], data, len, write_record, lf);
}

int shim_logfile_flush(struct shim_logfile *lf, enum shim_stream s, struct ctrd_error *err) {
        if (s < 0 || s >= _SHIM_STREAM_MAX)
                return ctrd_error_set(err, EINVAL, "invalid stream %d", (int) s);
        lf->err = err;
        lf->stream = s;
        return shim_linesplit_flush(&lf->split[s], write_record, lf);
}

void shim_logfile_free(struct shim_logfile *lf) {
        if (!lf)
                return;
        for (int s = 0; s < _SHIM_STREAM_MAX; s++)
                shim_linesplit_done(&lf->split[s]);
        shim_buf_done(&lf->record);
        safe_close(lf->fd);
        free(lf->path);
        free(lf);
}
