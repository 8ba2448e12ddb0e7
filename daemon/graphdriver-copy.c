/* The copy driver: DIR/rootfs is a full copy of the layers, applied bottom up. */
#include "graphdriver.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "daemon/layer-fs.h"
#include "daemon/layer-store.h"

static int copy_prepare(struct layer_store *ls, char *const *ids, size_t n, const char *dir,
                        struct ctrd_error *err) {
        _cleanup_free_ char *target = NULL;
        if (asprintf(&target, "%s/rootfs", dir) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if (mkdir(target, 0755) < 0)
                return ctrd_error_sys(err, errno, "creating '%s'", target);
        _cleanup_close_ int dst = open(target, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dst < 0)
                return ctrd_error_sys(err, errno, "opening '%s'", target);
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *p = layer_store_path(ls, ids[i], "diff");
                if (!p)
                        return ctrd_error_set(err, ENOMEM, "out of memory");
                _cleanup_close_ int src = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (src < 0)
                        return ctrd_error_sys(err, errno, "opening layer '%s'", p);
                int r = layer_fs_apply(src, dst, err);
                if (r < 0)
                        return ctrd_error_wrap(err, "copying layer %s", ids[i]);
        }
        return 0;
}

static int copy_release(const char *dir, struct ctrd_error *err) {
        _cleanup_free_ char *target = NULL;
        if (asprintf(&target, "%s/rootfs", dir) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        return layer_fs_remove_path(target, err);
}

const struct graphdriver graphdriver_copy = {
        .name = "copy",
        .prepare = copy_prepare,
        .release = copy_release,
};
