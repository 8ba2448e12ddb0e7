#include "resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

#define MAX_LINKS 40

/* Drops the last component of the relative path in buf. */
static void pop(char *buf) {
        char *slash = strrchr(buf, '/');
        if (slash)
                *slash = '\0';
        else
                buf[0] = '\0';
}

/* Replaces *rest with "target/rest". */
static int splice_link(char **rest, const char *target, const char *after) {
        char *n;
        if (asprintf(&n, "%s/%s", target, after) < 0)
                return -ENOMEM;
        free(*rest);
        *rest = n;
        return 0;
}

/* Creates the missing component at cur (relative to rootfd). */
static int create(int rootfd, const char *cur, bool last, int flags) {
        if (last && (flags & RT_RESOLVE_MKFILE)) {
                int fd = openat(rootfd, cur, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                                0644);
                if (fd < 0)
                        return -errno;
                close(fd);
                return 0;
        }
        if (mkdirat(rootfd, cur, 0755) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

int rt_resolve_walk(int rootfd, const char *path, int flags, char **ret) {
        _cleanup_free_ char *rest = strdup(path), *cur = calloc(1, strlen(path) + PATH_MAX + 2);
        int links = 0;

        if (!rest || !cur)
                return -ENOMEM;
        for (;;) {
                char *p = rest;
                while (*p == '/')
                        p++;
                if (!*p)
                        break;
                char *end = strchrnul(p, '/');
                bool last = !end[strspn(end, "/")];
                size_t len = (size_t) (end - p);
                char after[PATH_MAX];
                if (strlen(end) >= sizeof(after))
                        return -ENAMETOOLONG;
                memcpy(after, end, strlen(end) + 1);

                if (len == 1 && p[0] == '.') {
                        memmove(rest, after, strlen(after) + 1);
                        continue;
                }
                if (len == 2 && p[0] == '.' && p[1] == '.') {
                        pop(cur);       /* at the top ".." stays at the top */
                        memmove(rest, after, strlen(after) + 1);
                        continue;
                }
                size_t curlen = strlen(cur);
                if (curlen + len + 2 > PATH_MAX)
                        return -ENAMETOOLONG;
                if (curlen)
                        cur[curlen++] = '/';
                memcpy(cur + curlen, p, len);
                cur[curlen + len] = '\0';

                struct stat st;
                if (fstatat(rootfd, cur, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                        int r = -errno;
                        if (r != -ENOENT || !(flags & (RT_RESOLVE_MKDIR | RT_RESOLVE_MKFILE)))
                                return r;
                        if ((r = create(rootfd, cur, last, flags)) < 0)
                                return r;
                        memmove(rest, after, strlen(after) + 1);
                        continue;
                }
                if (S_ISLNK(st.st_mode)) {
                        char target[PATH_MAX];
                        ssize_t n = readlinkat(rootfd, cur, target, sizeof(target) - 1);
                        if (n < 0)
                                return -errno;
                        target[n] = '\0';
                        if (++links > MAX_LINKS)
                                return -ELOOP;
                        pop(cur);
                        if (target[0] == '/')
                                cur[0] = '\0';
                        if (splice_link(&rest, target, after) < 0)
                                return -ENOMEM;
                        continue;
                }
                if (!last && !S_ISDIR(st.st_mode))
                        return -ENOTDIR;
                memmove(rest, after, strlen(after) + 1);
        }
        *ret = TAKE_PTR(cur);
        return 0;
}

int rt_resolve_open(int rootfd, const char *path, int flags, int open_flags,
                    struct ctrd_error *err) {
        _cleanup_free_ char *rel = NULL;
        int r = rt_resolve_walk(rootfd, path, flags, &rel);
        if (r < 0)
                return ctrd_error_sys(err, -r, "resolving '%s' in the rootfs", path);

        struct open_how how = {
                .flags = (uint64_t) (O_PATH | O_CLOEXEC | open_flags),
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        const char *p = rel[0] ? rel : ".";
        int fd = (int) syscall(SYS_openat2, rootfd, p, &how, sizeof(how));
        if (fd < 0 && errno == ENOSYS)
                fd = openat(rootfd, p, O_PATH | O_CLOEXEC | O_NOFOLLOW | open_flags);
        if (fd < 0)
                return ctrd_error_sys(err, errno, "opening '%s' in the rootfs", path);
        return fd;
}
