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

struct layer_store {
        char *root;
};

const char *layer_store_root(const struct layer_store *ls) {
        return ls->root;
}

static int sub_dir(const struct layer_store *ls, const char *name, struct ctrd_error *err) {
        _cleanup_free_ char *p = NULL;
        if (asprintf(&p, "%s/%s", ls->root, name) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        return ctrd_mkdir_p(p, 0700, err);
}

int layer_store_open(const char *data_root, struct layer_store **ret, struct ctrd_error *err) {
        _cleanup_free_ struct layer_store *ls = calloc(1, sizeof(*ls));
        if (!ls || asprintf(&ls->root, "%s/layers", data_root) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        _cleanup_free_ char *tmp = NULL;
        if (asprintf(&tmp, "%s/tmp", ls->root) < 0) {
                free(ls->root);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        /* Whatever is in tmp/ was interrupted: it was never trusted, so it goes. */
        int r = layer_fs_remove_path(tmp, err);
        if (r >= 0)
                r = sub_dir(ls, "tmp", err);
        if (r < 0) {
                free(ls->root);
                return ctrd_error_wrap(err, "preparing the layer store");
        }
        *ret = TAKE_PTR(ls);
        return 0;
}

void layer_store_free(struct layer_store *ls) {
        if (!ls)
                return;
        free(ls->root);
        free(ls);
}

char *layer_store_path(const struct layer_store *ls, const char *chain_id, const char *sub) {
        char *p = NULL;
        if (!digest_is_valid(chain_id))
                return NULL;
        if (asprintf(&p, "%s/%s%s%s", ls->root, digest_hex(chain_id), sub ? "/" : "",
                     sub ? sub : "") < 0)
                return NULL;
        return p;
}

bool layer_store_exists(const struct layer_store *ls, const char *chain_id) {
        _cleanup_free_ char *p = layer_store_path(ls, chain_id, "diff");
        struct stat st;
        return p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

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

int layer_store_info(const struct layer_store *ls, const char *chain_id,
                     struct layer_store_result *ret, struct ctrd_error *err) {
        _cleanup_free_ char *path = layer_store_path(ls, chain_id, "info"), *text = NULL;
        if (!path)
                return ctrd_error_set(err, EINVAL, "invalid chainID '%s'", chain_id);
        int r = ctrd_read_file(path, 4096, &text, NULL, err);
        if (r < 0)
                return r;
        *ret = (struct layer_store_result) { .existed = true };
        if (sscanf(text, "%71s %" SCNu64 " %" SCNu64, ret->diff_id, &ret->size, &ret->tar_size) != 3 ||
            !digest_is_valid(ret->diff_id))
                return ctrd_error_set(err, EBADMSG, "'%s' is damaged", path);
        memcpy(ret->chain_id, chain_id, DIGEST_STR_LEN + 1);
        return 0;
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
        if (asprintf(&tmp, "%s/tmp/unpack-XXXXXX", ls->root) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if (!mkdtemp(tmp))
                return ctrd_error_sys(err, errno, "creating a directory under '%s/tmp'", ls->root);

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

int layer_store_remove(struct layer_store *ls, const char *chain_id, struct ctrd_error *err) {
        _cleanup_free_ char *grave = NULL;
        int r = layer_store_detach(ls, chain_id, &grave, err);
        if (r < 0)
                return r;
        return layer_fs_remove_path(grave, err);
}

int layer_store_detach(struct layer_store *ls, const char *chain_id, char **ret_grave,
                       struct ctrd_error *err) {
        _cleanup_free_ char *dir = layer_store_path(ls, chain_id, NULL);
        _cleanup_free_ char *grave = NULL;
        if (!dir || asprintf(&grave, "%s/tmp/remove-XXXXXX", ls->root) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        /* Renamed away first, so a crash mid-removal leaves only tmp/ garbage. */
        if (!mkdtemp(grave))
                return ctrd_error_sys(err, errno, "creating '%s'", grave);
        _cleanup_free_ char *dst = NULL;
        if (asprintf(&dst, "%s/layer", grave) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if (rename(dir, dst) < 0 && errno != ENOENT) {
                int e = errno;
                rmdir(grave);
                return ctrd_error_sys(err, e, "moving '%s' away", dir);
        }
        *ret_grave = TAKE_PTR(grave);
        return 0;
}
