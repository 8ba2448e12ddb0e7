#include "fs-util.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"

int ctrd_mkdir_p(const char *path, mode_t mode, struct ctrd_error *err) {
        _cleanup_free_ char *p = strdup(path);
        if (!p)
                return ctrd_error_set(err, ENOMEM, "out of memory");

        for (char *s = p + 1; ; s++) {
                char c = *s;
                if (c != '/' && c != '\0')
                        continue;
                *s = '\0';
                if (mkdir(p, mode) < 0 && errno != EEXIST)
                        return ctrd_error_sys(err, errno, "creating directory '%s'", p);
                *s = c;
                if (c == '\0')
                        break;
        }

        struct stat st;
        if (stat(path, &st) < 0)
                return ctrd_error_sys(err, errno, "checking directory '%s'", path);
        if (!S_ISDIR(st.st_mode))
                return ctrd_error_set(err, ENOTDIR, "'%s' exists and is not a directory", path);
        return 0;
}

int ctrd_read_file(const char *path, size_t max, char **ret, size_t *ret_len,
                   struct ctrd_error *err) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return ctrd_error_sys(err, errno, "opening '%s'", path);

        size_t cap = 4096, len = 0;
        _cleanup_free_ char *buf = malloc(cap + 1);
        if (!buf)
                return ctrd_error_set(err, ENOMEM, "out of memory reading '%s'", path);
        for (;;) {
                if (len == cap) {
                        if (cap >= max)
                                return ctrd_error_set(err, EFBIG, "'%s' is larger than %zu bytes",
                                                      path, max);
                        cap = cap * 2 > max ? max : cap * 2;
                        char *n = realloc(buf, cap + 1);
                        if (!n)
                                return ctrd_error_set(err, ENOMEM, "out of memory reading '%s'", path);
                        buf = n;
                }
                ssize_t k = read(fd, buf + len, cap - len);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return ctrd_error_sys(err, errno, "reading '%s'", path);
                }
                if (k == 0)
                        break;
                len += (size_t) k;
        }
        buf[len] = '\0';
        if (ret_len)
                *ret_len = len;
        *ret = TAKE_PTR(buf);
        return 0;
}

int ctrd_write_all(int fd, const void *buf, size_t len) {
        const char *p = buf;
        while (len > 0) {
                ssize_t k = write(fd, p, len);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += k;
                len -= (size_t) k;
        }
        return 0;
}

static int write_file_renamed(const char *path, const void *data, size_t len, mode_t mode,
                              bool sync, struct ctrd_error *err) {
        /* A unique temp name: two threads (or processes) may write the same file at once. */
        _cleanup_free_ char *tmp = NULL;
        if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");

        _cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return ctrd_error_sys(err, errno, "creating a temp file for '%s'", path);
        if (fchmod(fd, mode) < 0) {
                int e = errno;
                unlink(tmp);
                return ctrd_error_sys(err, e, "setting the mode of '%s'", tmp);
        }
        int r = ctrd_write_all(fd, data, len);
        if (r < 0) {
                unlink(tmp);
                return ctrd_error_sys(err, -r, "writing '%s'", tmp);
        }
        if (sync && fsync(fd) < 0) {
                r = -errno;
                unlink(tmp);
                return ctrd_error_sys(err, -r, "syncing '%s'", tmp);
        }
        if (rename(tmp, path) < 0) {
                r = -errno;
                unlink(tmp);
                return ctrd_error_sys(err, -r, "renaming '%s' to '%s'", tmp, path);
        }
        return 0;
}

int ctrd_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
                           struct ctrd_error *err) {
        return write_file_renamed(path, data, len, mode, true, err);
}

int ctrd_write_file_replace(const char *path, const void *data, size_t len, mode_t mode,
                            struct ctrd_error *err) {
        return write_file_renamed(path, data, len, mode, false, err);
}
