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

int layer_store_join(const char *data_root, struct layer_store **ret, struct ctrd_error *err) {
        struct layer_store *ls = calloc(1, sizeof(*ls));
        if (!ls || asprintf(&ls->root, "%s/layers", data_root) < 0) {
                free(ls);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        *ret = ls;
        return 0;
}

int layer_store_open(const char *data_root, struct layer_store **ret, struct ctrd_error *err) {
        struct layer_store *ls = NULL;
        _cleanup_free_ char *tmp = NULL;
        int r = layer_store_join(data_root, &ls, err);
        if (r < 0)
                return r;
        if (asprintf(&tmp, "%s/tmp", ls->root) < 0)
                r = ctrd_error_set(err, ENOMEM, "out of memory");
        /* Whatever is in tmp/ was interrupted: it was never trusted, so it goes. */
        if (r >= 0)
                r = layer_fs_remove_path(tmp, err);
        if (r >= 0)
                r = sub_dir(ls, "tmp", err);
        if (r < 0) {
                layer_store_free(ls);
                return ctrd_error_wrap(err, "preparing the layer store");
        }
        *ret = ls;
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
