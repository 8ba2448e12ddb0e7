/*
 * The overlay driver. Lowerdirs go to the kernel one by one through the new
 * mount API ("lowerdir+", Linux 6.8+), which has no length limit; older
 * kernels get one option string, where a page (4096 bytes) caps it. When
 * full paths do not fit, each layer is opened (O_PATH) and named by its
 * "/proc/self/fd/N" link, about 16 bytes a layer whatever the data root:
 * overlay resolves the names at mount time, after which the fds can go.
 */
#include "graphdriver.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "daemon/layer-fs.h"
#include "daemon/layer-store.h"

static int mount_new_api(struct layer_store *ls, char *const *ids, size_t n, const char *dir,
                         const char *target) {
        _cleanup_close_ int fs = fsopen("overlay", FSOPEN_CLOEXEC);
        if (fs < 0)
                return -errno;
        for (size_t i = n; i-- > 0; ) {         /* topmost lower first, as in "lowerdir=" */
                _cleanup_free_ char *p = layer_store_path(ls, ids[i], "diff");
                if (!p)
                        return -ENOMEM;
                if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", p, 0) < 0)
                        return -errno;
        }
        _cleanup_free_ char *upper = NULL, *work = NULL;
        if (asprintf(&upper, "%s/upper", dir) < 0 || asprintf(&work, "%s/work", dir) < 0)
                return -ENOMEM;
        if (fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0 ||
            fsconfig(fs, FSCONFIG_SET_STRING, "workdir", work, 0) < 0 ||
            fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return -errno;
        _cleanup_close_ int mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
        if (mnt < 0)
                return -errno;
        if (move_mount(mnt, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                return -errno;
        return 0;
}

/* "lowerdir=TOP:...:BOTTOM,upperdir=...,workdir=..." with paths, or fd links when fds is set. */
static int lowerdir_option(struct layer_store *ls, char *const *ids, size_t n, const char *dir,
                           const int *fds, char **ret) {
        char *opts = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&opts, &len);
        if (!f)
                return -ENOMEM;
        fputs("lowerdir=", f);
        for (size_t i = n; i-- > 0; ) {
                _cleanup_free_ char *p = fds ? NULL : layer_store_path(ls, ids[i], "diff");
                if (fds)
                        fprintf(f, "/proc/self/fd/%d%s", fds[i], i ? ":" : "");
                else
                        fprintf(f, "%s%s", p ? p : "", i ? ":" : "");
        }
        fprintf(f, ",upperdir=%s/upper,workdir=%s/work", dir, dir);
        if (fclose(f) != 0) {
                free(opts);
                return -ENOMEM;
        }
        *ret = opts;
        return 0;
}

static void close_all(int *fds, size_t n) {
        for (size_t i = 0; fds && i < n; i++)
                safe_close(fds[i]);
        free(fds);
}

static int open_layers(struct layer_store *ls, char *const *ids, size_t n, int **ret,
                       struct ctrd_error *err) {
        int *fds = malloc(n * sizeof(int));
        if (!fds)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++)
                fds[i] = -EBADF;
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *p = layer_store_path(ls, ids[i], "diff");
                fds[i] = p ? open(p, O_PATH | O_DIRECTORY | O_CLOEXEC) : -ENOMEM;
                if (fds[i] < 0) {
                        int e = p ? errno : ENOMEM;
                        close_all(fds, n);
                        return ctrd_error_sys(err, e, "opening layer %s", ids[i]);
                }
        }
        *ret = fds;
        return 0;
}

static int mount_legacy(struct layer_store *ls, char *const *ids, size_t n, const char *dir,
                        const char *target, struct ctrd_error *err) {
        _cleanup_free_ char *opts = NULL;
        int *fds = NULL;
        size_t page = (size_t) sysconf(_SC_PAGESIZE);
        int r = lowerdir_option(ls, ids, n, dir, NULL, &opts);
        if (r >= 0 && strlen(opts) >= page) {
                free(TAKE_PTR(opts));
                r = open_layers(ls, ids, n, &fds, err);
                if (r < 0)
                        return r;
                r = lowerdir_option(ls, ids, n, dir, fds, &opts);
        }
        if (r < 0)
                r = ctrd_error_set(err, -r, "out of memory");
        else if (strlen(opts) >= page)
                r = ctrd_error_set(err, E2BIG, "%zu layers do not fit in one overlay mount on "
                                   "this kernel", n);
        else if (mount("overlay", target, "overlay", 0, opts) < 0)
                r = ctrd_error_sys(err, errno, "mounting overlay on '%s'", target);
        close_all(fds, n);
        return r;
}

static int make_dirs(const char *dir, char **ret_target, struct ctrd_error *err) {
        const char *subs[] = { "upper", "work", "rootfs" };
        for (size_t i = 0; i < 3; i++) {
                _cleanup_free_ char *p = NULL;
                if (asprintf(&p, "%s/%s", dir, subs[i]) < 0)
                        return ctrd_error_set(err, ENOMEM, "out of memory");
                if (mkdir(p, 0755) < 0 && errno != EEXIST)
                        return ctrd_error_sys(err, errno, "creating '%s'", p);
                if (i == 2)
                        *ret_target = TAKE_PTR(p);
        }
        return 0;
}

static int overlay_prepare(struct layer_store *ls, char *const *ids, size_t n, const char *dir,
                           struct ctrd_error *err) {
        _cleanup_free_ char *target = NULL;
        if (n == 0)
                return ctrd_error_set(err, EINVAL, "an image without layers cannot be mounted");
        int r = make_dirs(dir, &target, err);
        if (r < 0)
                return r;
        r = mount_new_api(ls, ids, n, dir, target);
        if (r >= 0)
                return 0;
        /* EINVAL: no "lowerdir+" before Linux 6.8; ENOSYS: no fsopen at all. */
        if (r != -EINVAL && r != -ENOSYS)
                return ctrd_error_sys(err, -r, "mounting overlay on '%s'", target);
        return mount_legacy(ls, ids, n, dir, target, err);
}

static int overlay_release(const char *dir, struct ctrd_error *err) {
        _cleanup_free_ char *target = NULL;
        if (asprintf(&target, "%s/rootfs", dir) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        /* EINVAL: not mounted (prepare failed early, or a second release). */
        if (umount2(target, 0) < 0 && errno != EINVAL && errno != ENOENT)
                return ctrd_error_sys(err, errno, "unmounting '%s'", target);
        const char *subs[] = { "rootfs", "upper", "work" };
        for (size_t i = 0; i < 3; i++) {
                _cleanup_free_ char *p = NULL;
                if (asprintf(&p, "%s/%s", dir, subs[i]) < 0)
                        return ctrd_error_set(err, ENOMEM, "out of memory");
                int r = layer_fs_remove_path(p, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

const struct graphdriver graphdriver_overlay = {
        .name = "overlay",
        .prepare = overlay_prepare,
        .release = overlay_release,
};
