#include "layer-fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cleanup.h"
#include "daemon/layer-whiteout.h"

static void closedirp(DIR **d) {
        if (*d)
                closedir(*d);
}

/* Opens dirfd/name as a DIR stream without following a symlink at name. */
static DIR *open_dir_at(int dirfd, const char *name) {
        int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return NULL;
        DIR *d = fdopendir(fd);
        if (!d)
                safe_close(fd);
        return d;
}

static bool is_dot(const char *n) {
        return strcmp(n, ".") == 0 || strcmp(n, "..") == 0;
}

static int empty_dir(DIR *d) {
        for (struct dirent *de; (de = readdir(d)); ) {
                if (is_dot(de->d_name))
                        continue;
                int r = layer_fs_remove_at(dirfd(d), de->d_name);
                if (r < 0)
                        return r;
        }
        return 0;
}

int layer_fs_remove_at(int dirfd, const char *name) {
        if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
                return 0;
        if (errno != EISDIR)
                return -errno;
        _cleanup_(closedirp) DIR *d = open_dir_at(dirfd, name);
        if (!d)
                return -errno;
        int r = empty_dir(d);
        if (r < 0)
                return r;
        if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

int layer_fs_remove_path(const char *path, struct ctrd_error *err) {
        int r = layer_fs_remove_at(AT_FDCWD, path);
        if (r < 0)
                return ctrd_error_sys(err, -r, "removing '%s'", path);
        return 0;
}

struct apply {
        int dst_root;
        struct ctrd_error *err;
        /* Hardlinks within the layer: the first copy's path, found again by inode. */
        struct link_seen {
                dev_t dev;
                ino_t ino;
                char *path;
        } *seen;
        size_t n_seen;
};

static int copy_xattrs(int sdir, int ddir, const char *name, struct ctrd_error *err) {
        char sp[PATH_MAX], dp[PATH_MAX], list[4096], value[4096];
        snprintf(sp, sizeof(sp), "/proc/self/fd/%d/%s", sdir, name);
        snprintf(dp, sizeof(dp), "/proc/self/fd/%d/%s", ddir, name);
        ssize_t n = llistxattr(sp, list, sizeof(list));
        if (n < 0)
                return errno == ENOTSUP ? 0 : ctrd_error_sys(err, errno, "listing xattrs of '%s'", name);
        for (char *x = list; x < list + n; x += strlen(x) + 1) {
                /* The opaque marker is a layer's own business, applied by the caller. */
                if (strncmp(x, "trusted.overlay.", 16) == 0)
                        continue;
                ssize_t v = lgetxattr(sp, x, value, sizeof(value));
                if (v < 0 || lsetxattr(dp, x, value, (size_t) v, 0) < 0)
                        return ctrd_error_sys(err, errno, "copying xattr '%s' of '%s'", x, name);
        }
        return 0;
}

static int copy_meta(int sdir, int ddir, const char *name, const struct stat *st,
                     struct ctrd_error *err) {
        if (fchownat(ddir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
                return ctrd_error_sys(err, errno, "changing owner of '%s'", name);
        if (!S_ISLNK(st->st_mode) && fchmodat(ddir, name, st->st_mode & 07777, 0) < 0)
                return ctrd_error_sys(err, errno, "changing mode of '%s'", name);
        int r = copy_xattrs(sdir, ddir, name, err);
        if (r < 0)
                return r;
        struct timespec ts[2] = { st->st_atim, st->st_mtim };
        if (utimensat(ddir, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
                return ctrd_error_sys(err, errno, "setting times of '%s'", name);
        return 0;
}

static int copy_data(int sdir, int ddir, const char *name, struct ctrd_error *err) {
        _cleanup_close_ int in = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (in < 0)
                return ctrd_error_sys(err, errno, "opening '%s'", name);
        _cleanup_close_ int out = openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
                                         O_CLOEXEC, 0600);
        if (out < 0)
                return ctrd_error_sys(err, errno, "creating '%s'", name);
        for (;;) {
                ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
                if (n == 0)
                        return 0;
                if (n < 0)
                        return ctrd_error_sys(err, errno, "copying '%s'", name);
        }
}

static int apply_dir(struct apply *a, int sdir, int ddir, const char *rel);

static int apply_link_or_copy(struct apply *a, int sdir, int ddir, const char *name,
                              const char *rel, const struct stat *st) {
        if (S_ISREG(st->st_mode) && st->st_nlink > 1) {
                for (size_t i = 0; i < a->n_seen; i++)
                        if (a->seen[i].dev == st->st_dev && a->seen[i].ino == st->st_ino) {
                                if (linkat(a->dst_root, a->seen[i].path, ddir, name, 0) < 0)
                                        return ctrd_error_sys(a->err, errno, "linking '%s'", rel);
                                return 0;
                        }
                struct link_seen *n = reallocarray(a->seen, a->n_seen + 1, sizeof(*n));
                if (!n)
                        return ctrd_error_set(a->err, ENOMEM, "out of memory");
                a->seen = n;
                n[a->n_seen] = (struct link_seen) { st->st_dev, st->st_ino, strdup(rel) };
                if (!n[a->n_seen++].path)
                        return ctrd_error_set(a->err, ENOMEM, "out of memory");
        }
        int r = 0;
        if (S_ISREG(st->st_mode)) {
                r = copy_data(sdir, ddir, name, a->err);
        } else if (S_ISLNK(st->st_mode)) {
                char target[PATH_MAX];
                ssize_t n = readlinkat(sdir, name, target, sizeof(target) - 1);
                if (n < 0)
                        return ctrd_error_sys(a->err, errno, "reading link '%s'", rel);
                target[n] = '\0';
                if (symlinkat(target, ddir, name) < 0)
                        r = ctrd_error_sys(a->err, errno, "creating link '%s'", rel);
        } else if (mknodat(ddir, name, st->st_mode, st->st_rdev) < 0) {
                r = ctrd_error_sys(a->err, errno, "creating node '%s'", rel);
        }
        return r < 0 ? r : copy_meta(sdir, ddir, name, st, a->err);
}

static bool is_opaque(int sdir, const char *name) {
        char p[PATH_MAX], v[2];
        snprintf(p, sizeof(p), "/proc/self/fd/%d/%s", sdir, name);
        return lgetxattr(p, LAYER_OPAQUE_XATTR, v, sizeof(v)) == 1 && v[0] == 'y';
}

static int apply_subdir(struct apply *a, int sdir, int ddir, const char *name, const char *rel,
                        const struct stat *st) {
        struct stat dst;
        bool exists = fstatat(ddir, name, &dst, AT_SYMLINK_NOFOLLOW) == 0;
        if (exists && (!S_ISDIR(dst.st_mode) || is_opaque(sdir, name))) {
                int r = layer_fs_remove_at(ddir, name);
                if (r < 0)
                        return ctrd_error_sys(a->err, -r, "replacing '%s'", rel);
                exists = false;
        }
        if (!exists && mkdirat(ddir, name, 0700) < 0)
                return ctrd_error_sys(a->err, errno, "creating directory '%s'", rel);
        _cleanup_close_ int s = openat(sdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        _cleanup_close_ int d = openat(ddir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (s < 0 || d < 0)
                return ctrd_error_sys(a->err, errno, "opening directory '%s'", rel);
        int r = apply_dir(a, s, d, rel);
        return r < 0 ? r : copy_meta(sdir, ddir, name, st, a->err);
}

static int apply_entry(struct apply *a, int sdir, int ddir, const char *name, const char *prefix) {
        _cleanup_free_ char *rel = NULL;
        struct stat st;
        if (asprintf(&rel, "%s%s%s", prefix, *prefix ? "/" : "", name) < 0)
                return ctrd_error_set(a->err, ENOMEM, "out of memory");
        if (fstatat(sdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return ctrd_error_sys(a->err, errno, "reading '%s'", rel);
        if (S_ISDIR(st.st_mode))
                return apply_subdir(a, sdir, ddir, name, rel, &st);
        int r = layer_fs_remove_at(ddir, name);
        if (r < 0)
                return ctrd_error_sys(a->err, -r, "replacing '%s'", rel);
        if (S_ISCHR(st.st_mode) && st.st_rdev == 0)
                return 0;       /* a whiteout: what it named is gone, and so is it */
        return apply_link_or_copy(a, sdir, ddir, name, rel, &st);
}

static int apply_dir(struct apply *a, int sdir, int ddir, const char *rel) {
        _cleanup_(closedirp) DIR *d = open_dir_at(sdir, ".");
        if (!d)
                return ctrd_error_sys(a->err, errno, "listing '%s'", *rel ? rel : "/");
        for (struct dirent *de; (de = readdir(d)); ) {
                if (is_dot(de->d_name))
                        continue;
                int r = apply_entry(a, sdir, ddir, de->d_name, rel);
                if (r < 0)
                        return r;
        }
        return 0;
}

int layer_fs_apply(int srcfd, int dstfd, struct ctrd_error *err) {
        struct apply a = { .dst_root = dstfd, .err = err };
        int r = apply_dir(&a, srcfd, dstfd, "");
        for (size_t i = 0; i < a.n_seen; i++)
                free(a.seen[i].path);
        free(a.seen);
        return r;
}
