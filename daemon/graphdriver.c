#include "graphdriver.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "daemon/layer-fs.h"
#include "macro.h"

static const struct graphdriver *const drivers[] = { &graphdriver_overlay, &graphdriver_copy };

const struct graphdriver *graphdriver_by_name(const char *name) {
        for (size_t i = 0; i < ARRAY_SIZE(drivers); i++)
                if (strcmp(drivers[i]->name, name) == 0)
                        return drivers[i];
        return NULL;
}

/*
 * Asking the kernel is the only reliable test: overlay may be built in but
 * refuse this file system as upper (no xattrs, or itself an overlay).
 */
const struct graphdriver *graphdriver_detect(const char *data_root) {
        _cleanup_free_ char *top = NULL, *opts = NULL;
        if (asprintf(&top, "%s/overlay-probe-XXXXXX", data_root) < 0 || !mkdtemp(top))
                return &graphdriver_copy;
        const char *subs[] = { "l", "u", "w", "m" };
        bool ok = true;
        for (size_t i = 0; i < ARRAY_SIZE(subs); i++) {
                _cleanup_free_ char *p = NULL;
                ok = ok && asprintf(&p, "%s/%s", top, subs[i]) >= 0 && mkdir(p, 0700) == 0;
        }
        _cleanup_free_ char *m = NULL;
        if (ok && asprintf(&opts, "lowerdir=%s/l,upperdir=%s/u,workdir=%s/w", top, top, top) >= 0 &&
            asprintf(&m, "%s/m", top) >= 0 && mount("overlay", m, "overlay", 0, opts) == 0)
                umount2(m, MNT_DETACH);
        else
                ok = false;
        layer_fs_remove_path(top, NULL);
        return ok ? &graphdriver_overlay : &graphdriver_copy;
}

int graphdriver_prepare(const struct graphdriver *d, struct layer_store *ls, char *const *chain_ids,
                        size_t n, const char *dir, char **ret_rootfs, struct ctrd_error *err) {
        _cleanup_free_ char *rootfs = NULL;
        if (asprintf(&rootfs, "%s/rootfs", dir) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        int r = d->prepare(ls, chain_ids, n, dir, err);
        if (r < 0) {
                d->release(dir, NULL);
                return ctrd_error_wrap(err, "preparing the root file system (%s driver)", d->name);
        }
        *ret_rootfs = TAKE_PTR(rootfs);
        return 0;
}
