/* Contained path resolution inside a rootfs; see ctr-path.h. */
#include "ctr-path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "macro.h"

#define MAX_DEPTH 128
#define MAX_LINKS 40

static int try_openat2(int rootfd, const char *path, int flags) {
        struct open_how how = {
                .flags = (uint64_t) (flags | O_CLOEXEC),
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        /* EAGAIN means a concurrent rename raced the lookup; trying again is the documented fix. */
        for (int i = 0; i < 16; i++) {
                int fd = (int) syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
                if (fd >= 0 || errno != EAGAIN)
                        return fd >= 0 ? fd : -errno;
        }
        return -EAGAIN;
}

int ctr_open_in_root(int rootfd, const char *path, int flags, struct ctrd_error *err) {
        int fd = try_openat2(rootfd, path, flags);
        if (fd == -ENOSYS || fd == -EPERM)      /* EPERM: a seccomp filter that predates openat2 */
                return ctr_open_in_root_walk(rootfd, path, flags, err);
        if (fd < 0)
                return ctrd_error_sys(err, -fd, "opening %s in the container's rootfs", path);
        return fd;
}

struct walk {
        int fds[MAX_DEPTH];     /* fds[0] is the root (not ours), then one per directory */
        int depth;
        int links;
};

static void walk_pop_to(struct walk *w, int depth) {
        while (w->depth > depth)
                close(w->fds[w->depth--]);
}

/* Replaces *rest by "target/<rest>" after a symlink; an absolute target restarts at root. */
static int follow(struct walk *w, int fd, char **rest) {
        char target[PATH_MAX];
        ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);
        if (n < 0)
                return -errno;
        target[n] = '\0';
        if (++w->links > MAX_LINKS)
                return -ELOOP;
        if (target[0] == '/')
                walk_pop_to(w, 0);
        char *joined;
        if (asprintf(&joined, "%s%s%s", target, **rest ? "/" : "", *rest) < 0)
                return -ENOMEM;
        free(*rest);
        *rest = joined;
        return 0;
}

/* One step of the walk: the next component of *rest. 1 = done, fd in *ret. */
static int step(struct walk *w, char **rest, int flags, int *ret) {
        char *p = *rest, name[NAME_MAX + 1];
        struct stat st;

        while (*p == '/')
                p++;
        size_t len = strcspn(p, "/");
        if (len > NAME_MAX)
                return -ENAMETOOLONG;
        memcpy(name, p, len);
        name[len] = '\0';
        p += len;
        while (*p == '/')
                p++;
        bool last = *p == '\0';
        memmove(*rest, p, strlen(p) + 1);

        if (len == 0 || strcmp(name, ".") == 0)
                return last ? (*ret = openat(w->fds[w->depth], ".", flags | O_CLOEXEC)) < 0
                                                ? -errno : 1
                            : 0;
        if (strcmp(name, "..") == 0) {
                walk_pop_to(w, w->depth > 0 ? w->depth - 1 : 0);
                return last ? (*ret = openat(w->fds[w->depth], ".", flags | O_CLOEXEC)) < 0
                                                ? -errno : 1
                            : 0;
        }
        _cleanup_close_ int fd = openat(w->fds[w->depth], name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) < 0)
                return -errno;
        if (S_ISLNK(st.st_mode))
                return follow(w, fd, rest);
        if (last) {
                /* O_NOFOLLOW: if the name became a symlink since the check, fail instead. */
                *ret = openat(w->fds[w->depth], name, flags | O_NOFOLLOW | O_CLOEXEC);
                return *ret < 0 ? -errno : 1;
        }
        if (!S_ISDIR(st.st_mode))
                return -ENOTDIR;
        if (w->depth + 1 >= MAX_DEPTH)
                return -ENAMETOOLONG;
        w->fds[++w->depth] = TAKE_FD(fd);
        return 0;
}

int ctr_open_in_root_walk(int rootfd, const char *path, int flags, struct ctrd_error *err) {
        struct walk w = { .fds = { rootfd }, .depth = 0 };
        _cleanup_free_ char *rest = strdup(path);
        int fd = -EBADF, r = 0;

        if (!rest)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        while (r == 0)
                r = step(&w, &rest, flags, &fd);
        walk_pop_to(&w, 0);
        if (r < 0)
                return ctrd_error_sys(err, -r, "opening %s in the container's rootfs", path);
        return fd;
}

int ctr_read_in_root(int rootfd, const char *path, size_t max, char **ret,
                     struct ctrd_error *err) {
        struct ctrd_error ignored;
        struct stat st;
        /* O_NONBLOCK: opening a FIFO planted at this path must not hang the daemon. */
        _cleanup_close_ int fd = ctr_open_in_root(rootfd, path, O_RDONLY | O_NONBLOCK, &ignored);

        if (fd == -ENOENT)
                return -ENOENT;
        if (fd < 0)
                return ctrd_error_set(err, -fd, "%s", ignored.msg);
        if (fstat(fd, &st) < 0)
                return ctrd_error_sys(err, errno, "stat of %s in the container's rootfs", path);
        if (!S_ISREG(st.st_mode))
                return ctrd_error_set(err, EINVAL, "%s in the container's rootfs is not a "
                                      "regular file", path);
        _cleanup_free_ char *buf = malloc(max + 1);
        size_t len = 0;
        if (!buf)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        for (;;) {
                ssize_t n = read(fd, buf + len, max - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return ctrd_error_sys(err, errno, "reading %s in the container's rootfs",
                                              path);
                if (n == 0)
                        break;
                len += (size_t) n;
                if (len == max)
                        return ctrd_error_set(err, EFBIG, "%s in the container's rootfs is larger "
                                              "than %zu bytes", path, max);
        }
        buf[len] = '\0';
        *ret = TAKE_PTR(buf);
        return 0;
}
