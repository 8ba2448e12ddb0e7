/*
 * The container's root: made private and bound to itself before the mounts,
 * pivoted into afterwards, then finished with the sysctls, read-only and
 * masked paths and a read-only root (in that order: /proc/sys must still be
 * writable for the sysctls, and a masked path may sit under a read-only one).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "child.h"
#include "fs-util.h"

/* Binds the rootfs onto itself: pivot_root needs the new root to be a mount point. */
static int bind_root(const char *root, struct rt_step_error *e) {
        if (mount(root, root, NULL, MS_BIND | MS_REC, NULL) < 0)
                return rt_fail(e, "bind rootfs", root, errno);
        return 0;
}

int rt_rootfs_prepare(const struct rt_spec *s, int *ret_rootfd, struct rt_step_error *e) {
        int r;

        /* Nothing we mount may leak back to the host (unless the spec asks for it). */
        if (mount(NULL, "/", NULL, s->rootfs_propagation, NULL) < 0)
                return rt_fail(e, "rootfs propagation", "/", errno);
        if ((r = bind_root(s->root_path, e)) < 0)
                return r;
        /* pivot_root refuses a new root whose parent mount is shared. With
         * (r)shared asked for, make the first bind private and bind again on
         * top of it, so the new root's parent is private. As with runc, the
         * container's "/" then ends up private; mounts below it keep the
         * propagation "/" gave them. */
        if (s->rootfs_propagation & MS_SHARED) {
                if (mount(NULL, s->root_path, NULL, MS_PRIVATE, NULL) < 0)
                        return rt_fail(e, "rootfs propagation", s->root_path, errno);
                if ((r = bind_root(s->root_path, e)) < 0)
                        return r;
        }
        int fd = open(s->root_path, O_DIRECTORY | O_PATH | O_CLOEXEC);
        if (fd < 0)
                return rt_fail(e, "open rootfs", s->root_path, errno);
        *ret_rootfd = fd;
        return 0;
}

int rt_rootfs_pivot(int rootfd, struct rt_step_error *e) {
        /* pivot_root(".", ".") stacks the old root on top of the new one, so
         * detaching "." afterwards drops it without needing a directory for it. */
        if (fchdir(rootfd) < 0)
                return rt_fail(e, "chdir rootfs", "", errno);
        if (syscall(SYS_pivot_root, ".", ".") < 0)
                return rt_fail(e, "pivot_root", ".", errno);
        if (umount2(".", MNT_DETACH) < 0)
                return rt_fail(e, "detach old root", "/", errno);
        if (chdir("/") < 0)
                return rt_fail(e, "chdir", "/", errno);
        return 0;
}

static int write_sysctl(const struct rt_sysctl *sc, struct rt_step_error *e) {
        char path[512];
        int n = snprintf(path, sizeof(path), "/proc/sys/%s", sc->key);
        if (n < 0 || (size_t) n >= sizeof(path))
                return rt_fail(e, "sysctl", sc->key, ENAMETOOLONG);
        for (char *p = path + strlen("/proc/sys/"); *p; p++)
                if (*p == '.')
                        *p = '/';
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return rt_fail(e, "sysctl", path, errno);
        if (ctrd_write_all(fd, sc->value, strlen(sc->value)) < 0)
                return rt_fail(e, "sysctl", path, errno);
        return 0;
}

static int make_readonly(const char *path, struct rt_step_error *e) {
        if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
                if (errno == ENOENT)
                        return 0;
                return rt_fail(e, "readonly path", path, errno);
        }
        int r = rt_remount_bind(path, MS_RDONLY);
        if (r < 0)
                return rt_fail(e, "readonly path", path, r);
        return 0;
}

/* A directory gets an empty read-only tmpfs, anything else /dev/null on top. */
static int mask(const char *path, struct rt_step_error *e) {
        struct stat st;
        if (stat(path, &st) < 0)
                return errno == ENOENT ? 0 : rt_fail(e, "masked path", path, errno);
        int r = S_ISDIR(st.st_mode) ? mount("tmpfs", path, "tmpfs", MS_RDONLY, NULL)
                                    : mount("/dev/null", path, NULL, MS_BIND, NULL);
        if (r < 0)
                return rt_fail(e, "masked path", path, errno);
        return 0;
}

int rt_rootfs_finish(const struct rt_spec *s, struct rt_step_error *e) {
        int r;

        for (size_t i = 0; i < s->n_sysctls; i++)
                if ((r = write_sysctl(&s->sysctls[i], e)) < 0)
                        return r;
        for (char **p = s->readonly_paths; p && *p; p++)
                if ((r = make_readonly(*p, e)) < 0)
                        return r;
        for (char **p = s->masked_paths; p && *p; p++)
                if ((r = mask(*p, e)) < 0)
                        return r;
        if (s->root_readonly && (r = rt_remount_bind("/", MS_RDONLY)) < 0)
                return rt_fail(e, "readonly root", "/", r);
        return 0;
}
