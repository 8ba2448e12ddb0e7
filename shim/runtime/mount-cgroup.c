/*
 * The "cgroup" mount of config.json, laid out as runc does:
 *
 *  v1 (legacy or hybrid host): a tmpfs at the destination, and in it one
 *  directory per hierarchy the container is in (cpu, memory, systemd, ...),
 *  each a bind mount of the container's own cgroup in that hierarchy, with
 *  symlinks for co-mounted controllers ("cpu" -> "cpu,cpuacct"). The empty
 *  unified tree of a hybrid host is left out, as runc leaves it out.
 *
 *  v2: a fresh cgroup2 mount when the container has its own cgroup namespace
 *  (it then sees its cgroup as the root), else a bind of its cgroup directory.
 *
 * The container's cgroup paths come from /proc/self/cgroup as the child read
 * it (ctx->self_cgroup) after the parent moved it into its cgroup and before
 * it unshared the cgroup namespace: afterwards every path reads "/", and a
 * bind of "/" would show the host's whole hierarchy.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "child.h"
#include "resolve.h"

static int bind_hierarchy(const struct rt_child_ctx *ctx, int dirfd, const char *name,
                          const char *path, const struct rt_mount *m, struct rt_step_error *e) {
        const char *dir = strncmp(name, "name=", 5) == 0 ? name + 5 : name;
        char src[1024], fdp[32];
        int r;

        /* Hierarchies are found where the host mounts them, <cgroup root>/<name>
         * ("cpu,cpuacct", "systemd"). One mounted anywhere else is left out of
         * the container's view rather than failing the start. */
        if ((size_t) snprintf(src, sizeof(src), "%s/%s%s", ctx->cgroup_root, dir, path) >=
            sizeof(src))
                return rt_fail(e, "mount cgroup", path, ENAMETOOLONG);
        if (access(src, F_OK) < 0 && errno == ENOENT)
                return 0;
        if (mkdirat(dirfd, dir, 0755) < 0 && errno != EEXIST)
                return rt_fail(e, "mount cgroup", dir, errno);
        _cleanup_close_ int fd = openat(dirfd, dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return rt_fail(e, "mount cgroup", dir, errno);
        if (mount(src, rt_fd_path(fdp, fd), NULL, MS_BIND | MS_REC, NULL) < 0)
                return rt_fail(e, "mount cgroup", src, errno);
        _cleanup_close_ int top = openat(dirfd, dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (top < 0)
                return rt_fail(e, "mount cgroup", dir, errno);
        if ((r = rt_remount_bind(rt_fd_path(fdp, top), m->flags & ~(MS_BIND | MS_REC))) < 0)
                return rt_fail(e, "remount cgroup", dir, r);
        /* Co-mounted controllers: "cpu" and "cpuacct" both lead to "cpu,cpuacct". */
        if (strchr(dir, ',')) {
                _cleanup_free_ char *copy = strdup(dir);
                char *save = NULL;
                if (!copy)
                        return rt_fail(e, "mount cgroup", dir, ENOMEM);
                for (char *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save))
                        if (symlinkat(dir, dirfd, c) < 0 && errno != EEXIST)
                                return rt_fail(e, "mount cgroup", c, errno);
        }
        return 0;
}

/* Splits a /proc/self/cgroup line "ID:controllers:path" in place. */
static bool split_line(char *line, char **name, char **path) {
        char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;
        if (!b)
                return false;
        *a = *b = '\0';
        *name = a + 1;
        *path = strcmp(b + 1, "/") ? b + 1 : "";
        return true;
}

static int mount_v1(const struct rt_child_ctx *ctx, int rootfd, int fd,
                    const struct rt_mount *m, struct rt_step_error *e) {
        struct ctrd_error err = { 0 };
        char fdp[32];
        int r;

        /* runc leaves this tmpfs writable and makes only the binds read-only. */
        if (mount("tmpfs", rt_fd_path(fdp, fd), "tmpfs",
                  m->flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME), "mode=755") < 0)
                return rt_fail(e, "mount", m->destination, errno);
        /* fd still names the directory under the tmpfs; look the path up again. */
        _cleanup_close_ int dirfd = rt_resolve_open(rootfd, m->destination, 0, O_DIRECTORY, &err);
        if (dirfd < 0)
                return rt_fail(e, "mount target", m->destination, dirfd);
        _cleanup_free_ char *copy = strdup(ctx->self_cgroup);
        char *save = NULL;
        if (!copy)
                return rt_fail(e, "mount cgroup", m->destination, ENOMEM);
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *name, *path;
                /* An empty name is the unified hierarchy of a hybrid host. */
                if (!split_line(line, &name, &path) || !*name)
                        continue;
                if ((r = bind_hierarchy(ctx, dirfd, name, path, m, e)) < 0)
                        return r;
        }
        return 0;
}

static int mount_v2(const struct rt_child_ctx *ctx, int fd, const struct rt_mount *m,
                    struct rt_step_error *e) {
        _cleanup_free_ char *src = NULL;
        char fdp[32];

        rt_fd_path(fdp, fd);
        if (ctx->new_cgroupns) {
                if (mount("cgroup2", fdp, "cgroup2", m->flags & ~(MS_BIND | MS_REC), NULL) < 0)
                        return rt_fail(e, "mount", m->destination, errno);
                return 0;
        }
        _cleanup_free_ char *copy = strdup(ctx->self_cgroup);
        char *save = NULL;
        if (!copy)
                return rt_fail(e, "mount cgroup", m->destination, ENOMEM);
        for (char *line = strtok_r(copy, "\n", &save); line && !src;
             line = strtok_r(NULL, "\n", &save)) {
                char *name, *path;
                if (split_line(line, &name, &path) && !*name &&
                    asprintf(&src, "%s%s", ctx->cgroup_root, path) < 0)
                        return rt_fail(e, "mount cgroup", m->destination, ENOMEM);
        }
        if (!src)
                return rt_fail(e, "mount cgroup", "/proc/self/cgroup", ENOENT);
        if (mount(src, fdp, NULL, MS_BIND | MS_REC, NULL) < 0)
                return rt_fail(e, "mount cgroup", src, errno);
        return 0;
}

int rt_mount_cgroupfs(const struct rt_child_ctx *ctx, int rootfd, const struct rt_mount *m,
                      struct rt_step_error *e) {
        struct ctrd_error err = { 0 };
        int r;

        _cleanup_close_ int fd = rt_resolve_open(rootfd, m->destination, RT_RESOLVE_MKDIR, 0, &err);
        if (fd < 0)
                return rt_fail(e, "mount target", m->destination, fd);
        if (ctx->cgroup_mode == RT_CGROUP_V1)
                return mount_v1(ctx, rootfd, fd, m, e);
        if ((r = mount_v2(ctx, fd, m, e)) < 0 || ctx->new_cgroupns)
                return r;
        _cleanup_close_ int top = rt_resolve_open(rootfd, m->destination, 0, 0, &err);
        char fdp[32];
        if (top < 0)
                return rt_fail(e, "mount target", m->destination, top);
        if ((r = rt_remount_bind(rt_fd_path(fdp, top), m->flags & ~(MS_BIND | MS_REC))) < 0)
                return rt_fail(e, "remount", m->destination, r);
        return 0;
}
