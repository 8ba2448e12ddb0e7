/*
 * The layers on disk, keyed by chainID:
 *
 *   DATA/layers/<chain-hex>/diff/           the extracted tree (overlay format)
 *   DATA/layers/<chain-hex>/layer.tar.zst   the exact tar stream, for save
 *   DATA/layers/<chain-hex>/info            "diffID size tar_size", for a later import
 *                                           that finds the layer already there
 *   DATA/layers/tmp/                        work in progress, emptied at open
 *
 * A layer is extracted into tmp/, verified, synced, and only then renamed
 * into place, so a crash leaves at most garbage in tmp/, never a half layer
 * under a name a later image would trust. Which layers exist is recorded in
 * SQLite by the image service after the rename; this module knows only files.
 * Unpack (layer-store-unpack.c, libarchive) runs in the image worker; remove
 * is thread-safe and runs on the uv threadpool.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "daemon/digest.h"
#include "error.h"

struct layer_store;

struct layer_store_result {
        char diff_id[DIGEST_STR_LEN + 1];
        char chain_id[DIGEST_STR_LEN + 1];
        char blob_digest[DIGEST_STR_LEN + 1];
        uint64_t tar_size;
        uint64_t size;
        bool existed;           /* another extraction got there first; ours was discarded */
};

/* For the daemon: empties tmp/, whose contents no one can still be writing. */
int layer_store_open(const char *data_root, struct layer_store **ret, struct ctrd_error *err);
/* For the image worker: the daemon opened the store; tmp/ is shared with other workers. */
int layer_store_join(const char *data_root, struct layer_store **ret, struct ctrd_error *err);
void layer_store_free(struct layer_store *ls);

/* DATA/layers */
const char *layer_store_root(const struct layer_store *ls);

/* "DATA/layers/<hex>/<sub>" (sub may be NULL for the layer dir); NULL on OOM. */
char *layer_store_path(const struct layer_store *ls, const char *chain_id, const char *sub);

bool layer_store_exists(const struct layer_store *ls, const char *chain_id);

/*
 * Extracts the archive on fd as the layer above parent_chain (NULL: bottom).
 * With expect_diff_id set, a stream whose diffID differs is refused.
 */
int layer_store_unpack(struct layer_store *ls, int fd, const char *parent_chain,
                       const char *expect_diff_id, bool allow_devices,
                       struct layer_store_result *ret, struct ctrd_error *err);

/* Reads what unpack learnt about an existing layer (diff_id, sizes; existed = true). */
int layer_store_info(const struct layer_store *ls, const char *chain_id,
                     struct layer_store_result *ret, struct ctrd_error *err);

/* Removes a layer's files; a missing layer is fine. */
int layer_store_remove(struct layer_store *ls, const char *chain_id, struct ctrd_error *err);

/*
 * The quick half of remove, for the loop thread: the layer loses its name
 * (renamed into tmp/) so nothing can start using it, and
 * *ret_grave (heap) is left for layer_fs_remove_path() on the threadpool.
 */
int layer_store_detach(struct layer_store *ls, const char *chain_id, char **ret_grave,
                       struct ctrd_error *err);
