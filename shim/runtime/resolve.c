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

/* The state of one walk: the symlink-free prefix done so far, and what is left. */
struct walk {
        int rootfd;
        int flags;
        int links;
        char *rest;                     /* heap: the components still to resolve */
        char cur[PATH_MAX];             /* relative to rootfd, "" = the top */
};

/* Drops the first component (ending at end) from w->rest; returns 0. */
static int advance(struct walk *w, const char *end) {
        memmove(w->rest, end, strlen(end) + 1);
        return 0;
}

/* w->cur is a symlink: restart from its target, relative to the rootfs top when absolute. */
static int follow(struct walk *w, const char *end) {
        char target[PATH_MAX];
        ssize_t n = readlinkat(w->rootfd, w->cur, target, sizeof(target) - 1);
        if (n < 0)
                return -errno;
        target[n] = '\0';
        if (++w->links > MAX_LINKS)
                return -ELOOP;
        pop(w->cur);
        if (target[0] == '/')
                w->cur[0] = '\0';
        return splice_link(&w->rest, target, end);
}

/* Resolves one component name[0..len) on top of w->cur. */
static int step(struct walk *w, const char *name, size_t len, const char *end) {
        bool last = !end[strspn(end, "/")];
        size_t curlen = strlen(w->cur);
        struct stat st;

        if (len == 1 && name[0] == '.')
                return advance(w, end);
        if (len == 2 && name[0] == '.' && name[1] == '.') {
                pop(w->cur);    /* at the top ".." stays at the top */
                return advance(w, end);
        }
        if (curlen + len + 2 > sizeof(w->cur))
                return -ENAMETOOLONG;
        if (curlen)
                w->cur[curlen++] = '/';
        memcpy(w->cur + curlen, name, len);
        w->cur[curlen + len] = '\0';

        if (fstatat(w->rootfd, w->cur, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                int r = -errno;
                if (r != -ENOENT || !(w->flags & (RT_RESOLVE_MKDIR | RT_RESOLVE_MKFILE)))
                        return r;
                if ((r = create(w->rootfd, w->cur, last, w->flags)) < 0)
                        return r;
                return advance(w, end);
        }
        if (S_ISLNK(st.st_mode))
                return follow(w, end);
        if (!last && !S_ISDIR(st.st_mode))
                return -ENOTDIR;
        return advance(w, end);
}

int rt_resolve_walk(int rootfd, const char *path, int flags, char **ret) {
        _cleanup_free_ struct walk *w = calloc(1, sizeof(*w));
        char end[PATH_MAX];
        int r = 0;

        if (!w || !(w->rest = strdup(path)))
                return -ENOMEM;
        w->rootfd = rootfd;
        w->flags = flags;
        for (;;) {
                char *p = w->rest + strspn(w->rest, "/");
                if (!*p)
                        break;
                /* step() rewrites w->rest, so the tail after this component is copied out. */
                char *e = strchrnul(p, '/');
                if (strlen(e) >= sizeof(end)) {
                        r = -ENAMETOOLONG;
                        break;
                }
                memcpy(end, e, strlen(e) + 1);
                if ((r = step(w, p, (size_t) (e - p), end)) < 0)
                        break;
        }
        if (r >= 0 && !(*ret = strdup(w->cur)))
                r = -ENOMEM;
        free(w->rest);
        return r < 0 ? r : 0;
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
