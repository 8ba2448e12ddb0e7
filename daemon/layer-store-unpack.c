/*
 * layer_store_unpack(): the half of the layer store that extracts archives
 * (libarchive), linked only into the image worker.
 */
#include "layer-store.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "daemon/layer-extract.h"
#include "daemon/layer-fs.h"
#include "fs-util.h"

static int extract_into(const char *tmp, int fd, bool allow_devices,
                        struct layer_extract_result *res, struct ctrd_error *err) {
        _cleanup_free_ char *diff = NULL, *keep = NULL;
        if (asprintf(&diff, "%s/diff", tmp) < 0 || asprintf(&keep, "%s/layer.tar.zst", tmp) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if (mkdir(diff, 0755) < 0)
                return ctrd_error_sys(err, errno, "creating '%s'", diff);
        _cleanup_close_ int rootfd = open(diff, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return ctrd_error_sys(err, errno, "opening '%s'", diff);
        struct layer_extract_opts o = { .allow_devices = allow_devices, .keep_tar_path = keep };
        int r = layer_extract(fd, rootfd, &o, res, err);
        if (r < 0)
                return r;
        /* Durable before it gets its trusted name. */
        if (syncfs(rootfd) < 0)
                return ctrd_error_sys(err, errno, "syncing '%s'", diff);
        return 0;
}

static int write_info(const char *tmp, const struct layer_store_result *res,
                      struct ctrd_error *err) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        if (asprintf(&path, "%s/info", tmp) < 0 ||
            asprintf(&text, "%s %" PRIu64 " %" PRIu64 "\n", res->diff_id, res->size,
                     res->tar_size) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        return ctrd_write_file_atomic(path, text, strlen(text), 0600, err);
}

/* Moves the finished tmp dir to its chainID name. */
static int publish(struct layer_store *ls, const char *tmp, struct layer_store_result *ret,
                   struct ctrd_error *err) {
        _cleanup_free_ char *dst = layer_store_path(ls, ret->chain_id, NULL);
        if (!dst)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if (rename(tmp, dst) < 0) {
                if (errno != EEXIST && errno != ENOTEMPTY)
                        return ctrd_error_sys(err, errno, "renaming '%s' to '%s'", tmp, dst);
                ret->existed = true;
                return layer_fs_remove_path(tmp, err);
        }
        return 0;
}

int layer_store_unpack(struct layer_store *ls, int fd, const char *parent_chain,
                       const char *expect_diff_id, bool allow_devices,
                       struct layer_store_result *ret, struct ctrd_error *err) {
        _cleanup_free_ char *tmp = NULL;
        struct layer_extract_result res;
        if (asprintf(&tmp, "%s/tmp/unpack-XXXXXX", layer_store_root(ls)) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if (!mkdtemp(tmp))
                return ctrd_error_sys(err, errno, "creating a directory under '%s/tmp'",
                                      layer_store_root(ls));

        int r = extract_into(tmp, fd, allow_devices, &res, err);
        if (r >= 0 && expect_diff_id && strcmp(expect_diff_id, res.diff_id) != 0)
                r = ctrd_error_set(err, EBADMSG, "layer content is %s, but the image expects %s",
                                   res.diff_id, expect_diff_id);
        if (r >= 0) {
                *ret = (struct layer_store_result) { .tar_size = res.tar_size, .size = res.size };
                memcpy(ret->diff_id, res.diff_id, sizeof(ret->diff_id));
                memcpy(ret->blob_digest, res.blob_digest, sizeof(ret->blob_digest));
                r = digest_chain_id(parent_chain, res.diff_id, ret->chain_id);
                if (r < 0)
                        r = ctrd_error_set(err, -r, "computing the chainID");
        }
        if (r >= 0)
                r = write_info(tmp, ret, err);
        if (r >= 0)
                r = publish(ls, tmp, ret, err);
        if (r < 0)
                layer_fs_remove_path(tmp, NULL);
        return r;
}

