/*
 * /dev inside the container. When config.json mounts a tmpfs on /dev (as
 * `runc spec` does) it gets runc's default nodes and symlinks; linux.devices
 * adds more. In a user namespace mknod is not allowed, so the host's node
 * is bind-mounted onto an empty file instead, as runc does.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "child.h"
#include "resolve.h"

static const struct rt_device default_devices[] = {
        { "/dev/null", S_IFCHR, 1, 3, 0666, 0, 0 },
        { "/dev/zero", S_IFCHR, 1, 5, 0666, 0, 0 },
        { "/dev/full", S_IFCHR, 1, 7, 0666, 0, 0 },
        { "/dev/random", S_IFCHR, 1, 8, 0666, 0, 0 },
        { "/dev/urandom", S_IFCHR, 1, 9, 0666, 0, 0 },
        { "/dev/tty", S_IFCHR, 5, 0, 0666, 0, 0 },
};

static const struct {
        const char *target, *path;
} default_links[] = {
        { "/proc/self/fd", "/dev/fd" },
        { "/proc/self/fd/0", "/dev/stdin" },
        { "/proc/self/fd/1", "/dev/stdout" },
        { "/proc/self/fd/2", "/dev/stderr" },
        { "pts/ptmx", "/dev/ptmx" },
};

/* Resolves the parent directory of path inside the rootfs; *base is its last component. */
static int open_parent(int rootfd, const char *path, const char **base, struct rt_step_error *e) {
        struct ctrd_error err = { 0 };
        _cleanup_free_ char *dir = strdup(path);
        if (!dir)
                return rt_fail(e, "device", path, ENOMEM);
        char *slash = strrchr(dir, '/');
        *slash = '\0';
        *base = path + (slash - dir) + 1;
        int fd = rt_resolve_open(rootfd, *dir ? dir : "/", RT_RESOLVE_MKDIR, O_DIRECTORY, &err);
        if (fd < 0)
                return rt_fail(e, "device", path, fd);
        /* O_PATH fds cannot be used with mknodat; reopen the directory for real. */
        char fdp[32];
        int real = open(rt_fd_path(fdp, fd), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int saved = errno;
        close(fd);
        if (real < 0)
                return rt_fail(e, "device", path, saved);
        return real;
}

static int bind_host_node(int dirfd, const char *base, const struct rt_device *d,
                          struct rt_step_error *e) {
        char fdp[32];
        _cleanup_close_ int fd = openat(dirfd, base, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
                                        0000);
        if (fd < 0)
                return rt_fail(e, "device", d->path, errno);
        if (mount(d->path, rt_fd_path(fdp, fd), NULL, MS_BIND, NULL) < 0)
                return rt_fail(e, "bind device", d->path, errno);
        return 0;
}

static int create_node(const struct rt_child_ctx *ctx, int rootfd, const struct rt_device *d,
                       struct rt_step_error *e) {
        const char *base;
        _cleanup_close_ int dirfd = open_parent(rootfd, d->path, &base, e);
        if (dirfd < 0)
                return dirfd;
        if (ctx->new_userns || ctx->joined_userns)
                return bind_host_node(dirfd, base, d, e);
        if (mknodat(dirfd, base, d->type | d->mode, makedev(d->major, d->minor)) < 0 &&
            errno != EEXIST)
                return rt_fail(e, "mknod", d->path, errno);
        /* mknod applied our umask: set the exact mode and owner the spec asks for. */
        if (fchmodat(dirfd, base, d->mode, 0) < 0)
                return rt_fail(e, "chmod", d->path, errno);
        if (fchownat(dirfd, base, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
                return rt_fail(e, "chown", d->path, errno);
        return 0;
}

static bool dev_is_tmpfs(const struct rt_spec *s) {
        for (size_t i = 0; i < s->n_mounts; i++)
                if (strcmp(s->mounts[i].destination, "/dev") == 0 && s->mounts[i].type &&
                    strcmp(s->mounts[i].type, "tmpfs") == 0)
                        return true;
        return false;
}

int rt_devices_create(const struct rt_child_ctx *ctx, int rootfd, struct rt_step_error *e) {
        const struct rt_spec *s = ctx->spec;
        int r;

        if (dev_is_tmpfs(s)) {
                for (size_t i = 0; i < sizeof(default_devices) / sizeof(*default_devices); i++)
                        if ((r = create_node(ctx, rootfd, &default_devices[i], e)) < 0)
                                return r;
                for (size_t i = 0; i < sizeof(default_links) / sizeof(*default_links); i++) {
                        const char *base;
                        _cleanup_close_ int dirfd = open_parent(rootfd, default_links[i].path,
                                                                &base, e);
                        if (dirfd < 0)
                                return dirfd;
                        if (symlinkat(default_links[i].target, dirfd, base) < 0 && errno != EEXIST)
                                return rt_fail(e, "symlink", default_links[i].path, errno);
                }
        }
        for (size_t i = 0; i < s->n_devices; i++)
                if ((r = create_node(ctx, rootfd, &s->devices[i], e)) < 0)
                        return r;
        return 0;
}
