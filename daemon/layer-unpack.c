#include "layer-unpack.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "cleanup.h"
#include "fs-util.h"
#include "daemon/layer-fs.h"
#include "daemon/layer-path.h"
#include "daemon/layer-whiteout.h"

/* openat2 is probed once; without it (ENOSYS) we fall back to a walk that refuses symlinks. */
int layer_unpack_open_in_root(int rootfd, const char *path, int flags) {
        static int have_openat2 = 1;
        if (__atomic_load_n(&have_openat2, __ATOMIC_RELAXED)) {
                struct open_how how = {
                        .flags = (uint64_t) flags,
                        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
                };
                int fd = (int) syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
                if (fd >= 0 || errno != ENOSYS)
                        return fd;
                __atomic_store_n(&have_openat2, 0, __ATOMIC_RELAXED);
        }
        /* Fallback: one component at a time, never following a symlink. */
        _cleanup_free_ char *copy = strdup(path);
        if (!copy)
                return -1;
        int cur = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        char *save = NULL;
        for (char *c = strtok_r(copy, "/", &save); c && cur >= 0; c = strtok_r(NULL, "/", &save)) {
                if (strcmp(c, "..") == 0) {
                        /* Only openat2 can keep ".." inside the root; without it, refuse. */
                        close(cur);
                        errno = EXDEV;
                        return -1;
                }
                int next = openat(cur, c, flags | O_NOFOLLOW);
                int e = errno;
                close(cur);
                errno = e;
                cur = next;
        }
        return cur;
}

int layer_unpack_open_parent(int rootfd, const char *path, bool create, int *ret_fd,
                             const char **ret_base, struct ctrd_error *err) {
        const int flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
        const char *slash = strrchr(path, '/');
        *ret_base = slash ? slash + 1 : path;
        if (!slash) {
                *ret_fd = openat(rootfd, ".", flags);
                return *ret_fd < 0 ? ctrd_error_sys(err, errno, "opening the layer root") : 0;
        }
        _cleanup_free_ char *parent = strndup(path, (size_t) (slash - path));
        if (!parent)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        int fd = layer_unpack_open_in_root(rootfd, parent, flags);
        if (fd >= 0 || errno != ENOENT || !create) {
                if (fd < 0)
                        return ctrd_error_sys(err, errno, "resolving '%s' inside the layer", parent);
                *ret_fd = fd;
                return 0;
        }
        /* Create the missing directories one by one, each below an fd we resolved in the root. */
        _cleanup_close_ int cur = openat(rootfd, ".", flags);
        for (char *p = parent; cur >= 0; ) {
                char *end = strchrnul(p, '/');
                char saved = *end;
                *end = '\0';
                fd = layer_unpack_open_in_root(rootfd, parent, flags);
                if (fd < 0 && errno == ENOENT) {
                        if (mkdirat(cur, strrchr(parent, '/') ? strrchr(parent, '/') + 1 : parent,
                                    0755) < 0)
                                return ctrd_error_sys(err, errno, "creating directory '%s'", parent);
                        fd = layer_unpack_open_in_root(rootfd, parent, flags);
                }
                if (fd < 0)
                        return ctrd_error_sys(err, errno, "resolving '%s' inside the layer", parent);
                safe_close(cur);
                cur = fd;
                *end = saved;
                if (!saved)
                        break;
                p = end + 1;
        }
        if (cur < 0)
                return ctrd_error_sys(err, errno, "opening the layer root");
        *ret_fd = TAKE_FD(cur);
        return 0;
}

static int set_xattrs(int parent, const char *base, int fd, struct archive_entry *e,
                      struct ctrd_error *err) {
        const char *name;
        const void *value;
        size_t size;
        char proc[64];
        _cleanup_free_ char *path = NULL;

        archive_entry_xattr_reset(e);
        while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
                /* trusted.overlay.* steers overlayfs (redirects, metacopy): never from an archive. */
                if (strncmp(name, "trusted.overlay.", 16) == 0)
                        return ctrd_error_set(err, EPERM, "refusing xattr '%s' from the archive", name);
                int k;
                if (fd >= 0) {
                        k = fsetxattr(fd, name, value, size, 0);
                } else {
                        snprintf(proc, sizeof(proc), "/proc/self/fd/%d/", parent);
                        free(path);
                        if (asprintf(&path, "%s%s", proc, base) < 0)
                                return ctrd_error_set(err, ENOMEM, "out of memory");
                        k = lsetxattr(path, name, value, size, 0);
                }
                if (k < 0)
                        return ctrd_error_sys(err, errno, "setting xattr '%s'", name);
        }
        return 0;
}

static void entry_times(struct archive_entry *e, struct timespec ts[2]) {
        ts[0] = (struct timespec) { archive_entry_atime(e), archive_entry_atime_nsec(e) };
        ts[1] = (struct timespec) { archive_entry_mtime(e), archive_entry_mtime_nsec(e) };
        if (!archive_entry_atime_is_set(e))
                ts[0] = ts[1];
}

/* Owner, mode, xattrs and times; chown first because it clears set-id bits. */
static int set_meta(int parent, const char *base, int fd, struct archive_entry *e, bool is_link,
                    struct ctrd_error *err) {
        uid_t uid = (uid_t) archive_entry_uid(e);
        gid_t gid = (gid_t) archive_entry_gid(e);
        if (fchownat(parent, base, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
                return ctrd_error_sys(err, errno, "changing owner to %u:%u", uid, gid);
        if (!is_link && fchmodat(parent, base, archive_entry_mode(e) & 07777, 0) < 0)
                return ctrd_error_sys(err, errno, "changing mode");
        int r = set_xattrs(parent, base, fd, e, err);
        if (r < 0)
                return r;
        struct timespec ts[2];
        entry_times(e, ts);
        if (utimensat(parent, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
                return ctrd_error_sys(err, errno, "setting times");
        return 0;
}

/* Copies the entry's data, seeking over holes so sparse files stay sparse. */
static int write_data(struct layer_unpack *u, struct archive *a, struct archive_entry *e, int fd,
                      struct ctrd_error *err) {
        const void *buf;
        size_t len;
        la_int64_t off;
        int k;
        while ((k = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK) {
                if (lseek(fd, off, SEEK_SET) < 0)
                        return ctrd_error_sys(err, errno, "seeking");
                int r = ctrd_write_all(fd, buf, len);
                if (r < 0)
                        return ctrd_error_sys(err, -r, "writing");
        }
        if (k != ARCHIVE_EOF)
                return ctrd_error_set(err, EIO, "reading archive data: %s", archive_error_string(a));
        la_int64_t size = archive_entry_size(e);
        if (ftruncate(fd, size) < 0)
                return ctrd_error_sys(err, errno, "setting size");
        u->size += (uint64_t) size;
        return 0;
}

static int make_file(struct layer_unpack *u, int parent, const char *base, struct archive *a,
                     struct archive_entry *e, struct ctrd_error *err) {
        _cleanup_close_ int fd = openat(parent, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
                                        O_CLOEXEC, 0600);
        if (fd < 0)
                return ctrd_error_sys(err, errno, "creating file");
        int r = write_data(u, a, e, fd, err);
        if (r < 0)
                return r;
        return set_meta(parent, base, fd, e, false, err);
}

static int make_dir(struct layer_unpack *u, int parent, const char *path, const char *base,
                    struct archive_entry *e, struct ctrd_error *err) {
        struct stat st;
        if (fstatat(parent, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode)) {
                int r = layer_fs_remove_at(parent, base);
                if (r < 0)
                        return ctrd_error_sys(err, -r, "replacing with a directory");
        }
        if (mkdirat(parent, base, 0700) < 0 && errno != EEXIST)
                return ctrd_error_sys(err, errno, "creating directory");
        _cleanup_close_ int fd = openat(parent, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return ctrd_error_sys(err, errno, "opening directory");
        int r = set_meta(parent, base, fd, e, false, err);
        if (r < 0)
                return r;
        struct layer_unpack_dir *n = reallocarray(u->dirs, u->n_dirs + 1, sizeof(*n));
        if (!n)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        u->dirs = n;
        n[u->n_dirs].path = strdup(path);
        if (!n[u->n_dirs].path)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        entry_times(e, n[u->n_dirs].times);
        u->n_dirs++;
        return 0;
}

static int make_symlink(int parent, const char *path, const char *base, struct archive_entry *e,
                        struct ctrd_error *err) {
        const char *target = archive_entry_symlink(e);
        if (!layer_path_symlink_contained(path, target))
                return ctrd_error_set(err, EPERM, "symlink to '%s' points outside the layer",
                                      target ? target : "");
        if (symlinkat(target, parent, base) < 0)
                return ctrd_error_sys(err, errno, "creating symlink");
        return set_meta(parent, base, -EBADF, e, true, err);
}

static int make_hardlink(struct layer_unpack *u, int parent, const char *base,
                         const char *link, struct ctrd_error *err) {
        _cleanup_free_ char *clean = NULL;
        int r = layer_path_clean(link, &clean);
        if (r < 0 || !*clean)
                return ctrd_error_set(err, EPERM, "hardlink to '%s' points outside the layer", link);
        _cleanup_close_ int tparent = -EBADF;
        const char *tbase;
        r = layer_unpack_open_parent(u->rootfd, clean, false, &tparent, &tbase, err);
        if (r < 0)
                return ctrd_error_wrap(err, "hardlink target '%s'", link);
        /* A second name for a device node would carry it out of dev/. */
        struct stat st;
        if (fstatat(tparent, tbase, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) && st.st_rdev != 0)
                return ctrd_error_set(err, EPERM, "hardlink to device node '%s'", link);
        /* No AT_SYMLINK_FOLLOW: a target that is a symlink is linked as the symlink itself. */
        if (linkat(tparent, tbase, parent, base, 0) < 0)
                return ctrd_error_sys(err, errno, "creating hardlink to '%s'", link);
        return 0;
}

/* true when parent is the real directory dev/ of the layer (not something a symlink named so). */
static bool parent_is_dev(struct layer_unpack *u, int parent) {
        struct stat dev, p;
        return fstatat(u->rootfd, "dev", &dev, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(dev.st_mode) &&
               fstat(parent, &p) == 0 && p.st_dev == dev.st_dev && p.st_ino == dev.st_ino;
}

static int make_node(struct layer_unpack *u, int parent, const char *base,
                     struct archive_entry *e, struct ctrd_error *err) {
        mode_t type = archive_entry_filetype(e);
        dev_t dev = makedev(archive_entry_rdevmajor(e), archive_entry_rdevminor(e));
        bool whiteout = type == AE_IFCHR && dev == 0;
        if (type == AE_IFSOCK)
                return 0;       /* a socket in a tar is a leftover; nothing can use it */
        /*
         * Rootfs tarballs carry /dev/null and friends, which a container never
         * sees (the runtime mounts its own /dev); anywhere else a device node
         * would hand the container a door to host hardware.
         */
        if ((type == AE_IFCHR || type == AE_IFBLK) && !whiteout &&
            (!u->allow_devices || !parent_is_dev(u, parent)))
                return ctrd_error_set(err, EPERM, "device nodes are not allowed %s",
                                      u->allow_devices ? "outside /dev" : "in this layer");
        if (mknodat(parent, base, (type == AE_IFIFO ? S_IFIFO : type == AE_IFCHR ? S_IFCHR : S_IFBLK) |
                    0600, dev) < 0)
                return ctrd_error_sys(err, errno, "creating node");
        return set_meta(parent, base, -EBADF, e, false, err);
}

static int make_whiteout(int parent, const char *target, struct ctrd_error *err) {
        int r = layer_fs_remove_at(parent, target);
        if (r < 0)
                return ctrd_error_sys(err, -r, "removing '%s' for its whiteout", target);
        if (mknodat(parent, target, S_IFCHR | 0000, makedev(0, 0)) < 0)
                return ctrd_error_sys(err, errno, "creating whiteout for '%s'", target);
        return 0;
}

static int make_opaque(int parent, struct ctrd_error *err) {
        _cleanup_close_ int fd = openat(parent, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return ctrd_error_sys(err, errno, "opening directory to make it opaque");
        if (fsetxattr(fd, LAYER_OPAQUE_XATTR, "y", 1, 0) < 0)
                return ctrd_error_sys(err, errno, "setting %s", LAYER_OPAQUE_XATTR);
        return 0;
}

static int dispatch(struct layer_unpack *u, struct archive *a, struct archive_entry *e,
                    const char *path, struct ctrd_error *err) {
        _cleanup_close_ int parent = -EBADF;
        const char *base;
        int r = layer_unpack_open_parent(u->rootfd, path, true, &parent, &base, err);
        if (r < 0)
                return r;

        const char *target;
        switch (layer_whiteout_classify(base, &target)) {
        case LAYER_ENTRY_WHITEOUT:
                return make_whiteout(parent, target, err);
        case LAYER_ENTRY_OPAQUE:
                return make_opaque(parent, err);
        case LAYER_ENTRY_META:
                return 0;
        case LAYER_ENTRY_INVALID:
                return ctrd_error_set(err, EINVAL, "invalid whiteout name");
        case LAYER_ENTRY_PLAIN:
                break;
        }

        const char *link = archive_entry_hardlink(e);
        mode_t type = archive_entry_filetype(e);
        if (type != AE_IFDIR) {
                r = layer_fs_remove_at(parent, base);
                if (r < 0)
                        return ctrd_error_sys(err, -r, "removing the entry it replaces");
        }
        if (link)
                return make_hardlink(u, parent, base, link, err);
        switch (type) {
        case AE_IFREG:
                return make_file(u, parent, base, a, e, err);
        case AE_IFDIR:
                return make_dir(u, parent, path, base, e, err);
        case AE_IFLNK:
                return make_symlink(parent, path, base, e, err);
        default:
                return make_node(u, parent, base, e, err);
        }
}

/* The root entry ("./") carries only the root directory's metadata. */
static int root_entry(struct layer_unpack *u, struct archive_entry *e, struct ctrd_error *err) {
        if (archive_entry_filetype(e) != AE_IFDIR)
                return ctrd_error_set(err, EINVAL, "the layer root must be a directory");
        int r = set_meta(u->rootfd, ".", -EBADF, e, false, err);
        if (r < 0)
                return r;
        struct layer_unpack_dir *n = reallocarray(u->dirs, u->n_dirs + 1, sizeof(*n));
        if (!n || !(n[u->n_dirs].path = strdup("")))
                return ctrd_error_set(err, ENOMEM, "out of memory");
        u->dirs = n;
        entry_times(e, n[u->n_dirs++].times);
        return 0;
}

int layer_unpack_entry(struct layer_unpack *u, struct archive *a, struct archive_entry *e,
                       struct ctrd_error *err) {
        const char *name = archive_entry_pathname(e);
        _cleanup_free_ char *path = NULL;
        int r = layer_path_clean(name ? name : "", &path);
        if (r == -EXDEV)
                return ctrd_error_set(err, EPERM, "entry '%s' points outside the layer", name);
        if (r < 0)
                return ctrd_error_set(err, -r, "entry with an invalid name '%s'", name ? name : "");
        r = *path ? dispatch(u, a, e, path, err) : root_entry(u, e, err);
        if (r < 0)
                return ctrd_error_wrap(err, "extracting '%s'", name);
        return 0;
}

int layer_unpack_finish(struct layer_unpack *u, struct ctrd_error *err) {
        /* Deepest first is not needed: setting a directory's times does not touch its parent. */
        for (size_t i = 0; i < u->n_dirs; i++) {
                _cleanup_close_ int parent = -EBADF;
                const char *base = ".";
                const char *p = u->dirs[i].path;
                int r = *p ? layer_unpack_open_parent(u->rootfd, p, false, &parent, &base, err) : 0;
                if (r < 0)
                        return r;
                if (utimensat(*p ? parent : u->rootfd, base, u->dirs[i].times, AT_SYMLINK_NOFOLLOW) < 0 &&
                    errno != ENOENT)
                        return ctrd_error_sys(err, errno, "setting times of '%s'", p);
        }
        return 0;
}

void layer_unpack_free(struct layer_unpack *u) {
        for (size_t i = 0; i < u->n_dirs; i++)
                free(u->dirs[i].path);
        free(u->dirs);
        u->dirs = NULL;
        u->n_dirs = 0;
}
