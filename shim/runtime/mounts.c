/*
 * The mounts of config.json, in order, before pivot_root. Every target is
 * resolved inside the rootfs (resolve.c) and mounted through its
 * /proc/self/fd/N magic link, so a symlink in the image cannot redirect a
 * mount onto a host path. A bind mount's flags (ro, nosuid, ...) need a
 * second, remounting mount(2): the kernel ignores them on the bind itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "child.h"
#include "resolve.h"

const char *rt_fd_path(char buf[static 32], int fd) {
        snprintf(buf, 32, "/proc/self/fd/%d", fd);
        return buf;
}

int rt_remount_bind(const char *path, unsigned long flags) {
        static const struct {
                unsigned long st, ms;
        } locked[] = {
                { ST_NOSUID, MS_NOSUID }, { ST_NODEV, MS_NODEV }, { ST_NOEXEC, MS_NOEXEC },
                { ST_NOATIME, MS_NOATIME }, { ST_NODIRATIME, MS_NODIRATIME },
                { ST_RELATIME, MS_RELATIME }, { ST_RDONLY, MS_RDONLY },
        };
        struct statvfs sv;

        /* In a user namespace the kernel refuses to clear flags the mount had
         * when it was inherited, so carry the current ones over. */
        if (statvfs(path, &sv) < 0)
                return -errno;
        for (size_t i = 0; i < sizeof(locked) / sizeof(*locked); i++)
                if (sv.f_flag & locked[i].st)
                        flags |= locked[i].ms;
        if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | flags, NULL) < 0)
                return -errno;
        return 0;
}

/* Bind mounts create their target as the kind of thing the source is. */
static int target_kind(const struct rt_mount *m) {
        struct stat st;
        if ((m->flags & MS_BIND) && stat(m->source, &st) == 0 && !S_ISDIR(st.st_mode))
                return RT_RESOLVE_MKFILE;
        return RT_RESOLVE_MKDIR;
}

static bool is_sysfs(const struct rt_mount *m) {
        return m->type && strcmp(m->type, "sysfs") == 0;
}

static bool is_cgroup(const struct rt_mount *m) {
        return m->type && strcmp(m->type, "cgroup") == 0;
}

/*
 * The flags a mount really gets. sysfs is read-only unless the container
 * has both its own user and network namespace: a writable /sys of the host's
 * user namespace would let the container reconfigure host devices.
 */
static unsigned long effective_flags(const struct rt_child_ctx *ctx, const struct rt_mount *m) {
        if (is_sysfs(m) && !(ctx->new_userns && ctx->new_netns))
                return m->flags | MS_RDONLY;
        return m->flags;
}

static int do_mount(const struct rt_child_ctx *ctx, const struct rt_mount *m, const char *target,
                    struct rt_step_error *e) {
        const char *type = m->type;
        unsigned long flags = effective_flags(ctx, m);
        const char *source = m->source;

        /* sysfs belongs to the network namespace: without a new one the
         * kernel refuses a fresh sysfs, and runc binds the host's instead. */
        if (is_sysfs(m) && !ctx->new_netns) {
                type = NULL;
                source = "/sys";
                flags |= MS_BIND | MS_REC;
        }
        if (!type) {
                if (mount(source, target, NULL, MS_BIND | (flags & MS_REC), NULL) < 0)
                        return rt_fail(e, "mount", m->destination, errno);
                return 0;
        }
        if (mount(source ? source : type, target, type, flags & ~MS_REMOUNT, m->data) < 0)
                return rt_fail(e, "mount", m->destination, errno);
        return 0;
}

static int apply_one(const struct rt_child_ctx *ctx, int rootfd, const struct rt_mount *m,
                     struct rt_step_error *e) {
        struct ctrd_error err = { 0 };
        char fdp[32];
        int r;

        if (is_cgroup(m))
                return rt_mount_cgroupfs(ctx, rootfd, m, e);

        _cleanup_close_ int fd = rt_resolve_open(rootfd, m->destination, target_kind(m), 0, &err);
        if (fd < 0)
                return rt_fail(e, "mount target", m->destination, fd);
        if ((r = do_mount(ctx, m, rt_fd_path(fdp, fd), e)) < 0)
                return r;

        bool bind = !m->type || (is_sysfs(m) && !ctx->new_netns);
        unsigned long extra = effective_flags(ctx, m) & ~(MS_BIND | MS_REC | MS_REMOUNT);
        if (!(bind && extra) && !m->propagation)
                return 0;
        /* The fd still names the directory under the new mount; open the mount itself. */
        _cleanup_close_ int top = rt_resolve_open(rootfd, m->destination, 0, 0, &err);
        if (top < 0)
                return rt_fail(e, "mount target", m->destination, top);
        rt_fd_path(fdp, top);
        if (bind && extra && (r = rt_remount_bind(fdp, extra)) < 0)
                return rt_fail(e, "remount", m->destination, r);
        if (m->propagation && mount(NULL, fdp, NULL, m->propagation, NULL) < 0)
                return rt_fail(e, "mount propagation", m->destination, errno);
        return 0;
}

int rt_mounts_apply(const struct rt_child_ctx *ctx, int rootfd, size_t from, size_t to,
                    struct rt_step_error *e) {
        const struct rt_spec *s = ctx->spec;
        int r;

        for (size_t i = from; i < to && i < s->n_mounts; i++)
                if ((r = apply_one(ctx, rootfd, &s->mounts[i], e)) < 0)
                        return r;
        return 0;
}

size_t rt_mounts_first_cgroup(const struct rt_spec *s) {
        for (size_t i = 0; i < s->n_mounts; i++)
                if (is_cgroup(&s->mounts[i]))
                        return i;
        return s->n_mounts;
}

/* Whether path is dir or lies below it ("/dev/shm" below "/dev", not "/devices"). */
static bool path_below(const char *path, const char *dir) {
        size_t n = strlen(dir);
        while (n > 0 && dir[n - 1] == '/')
                n--;
        return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

void rt_mounts_precreate(const struct rt_child_ctx *ctx, int rootfd, size_t from) {
        const struct rt_spec *s = ctx->spec;

        for (size_t i = from; i < s->n_mounts; i++) {
                const struct rt_mount *m = &s->mounts[i];
                bool shadowed = is_cgroup(m);
                for (size_t j = 0; j < i && !shadowed; j++)
                        shadowed = path_below(m->destination, s->mounts[j].destination);
                if (shadowed)
                        continue;
                struct ctrd_error ignored = { 0 };
                int fd = rt_resolve_open(rootfd, m->destination, target_kind(m), 0, &ignored);
                if (fd >= 0)
                        close(fd);
        }
}
