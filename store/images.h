/*
 * Image and layer records (the files live under DATA/layers and DATA/image,
 * see daemon/layer-store.h and daemon/image-service.h):
 *
 *   layers      chainID -> diffID, parent chainID, sizes, refcount (images using it)
 *   images      image ID (sha256 of the config bytes) -> top layer, created, size
 *   image_refs  full reference -> image ID; a tag ("docker.io/library/bb:latest")
 *               or a digest ("...@sha256:..."); one reference names one image
 *
 * Multi-row changes (an image and its layers' refcounts) are made by the
 * caller inside store_begin()/store_commit().
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

struct store;

#define STORE_DIGEST_MAX 72     /* "sha256:" + 64 hex + NUL, rounded up */

struct store_layer {
        char chain_id[STORE_DIGEST_MAX];
        char diff_id[STORE_DIGEST_MAX];
        char parent[STORE_DIGEST_MAX];  /* "" for a bottom layer */
        int64_t size;                   /* bytes of regular files */
        int64_t tar_size;               /* bytes of the uncompressed tar */
        int64_t refcount;
};

struct store_image {
        char id[STORE_DIGEST_MAX];
        char top_layer[STORE_DIGEST_MAX];
        int64_t created;                /* unix seconds, from the config */
        int64_t size;                   /* all layers' file bytes */
};

/* Inserts the layer with refcount 0 unless it is already recorded. */
int store_layer_add(struct store *s, const struct store_layer *l, struct ctrd_error *err);
int store_layer_get(struct store *s, const char *chain_id, struct store_layer *ret,
                    struct ctrd_error *err);
/* Adds delta to the refcount of the layer and every layer below it. */
int store_layer_ref_chain(struct store *s, const char *chain_id, int delta, struct ctrd_error *err);
/* The chainIDs of layers no image uses, top layers first (NULL-terminated). */
int store_layer_list_unused(struct store *s, char ***ret, struct ctrd_error *err);
int store_layer_remove(struct store *s, const char *chain_id, struct ctrd_error *err);

/* -EEXIST when the image is already recorded. */
int store_image_add(struct store *s, const struct store_image *img, struct ctrd_error *err);
int store_image_get(struct store *s, const char *id, struct store_image *ret,
                    struct ctrd_error *err);
/* Resolves a unique ID prefix (hex, without "sha256:"); -ENOENT if none or ambiguous. */
int store_image_find_prefix(struct store *s, const char *hex_prefix, struct store_image *ret,
                            struct ctrd_error *err);
int store_image_list(struct store *s, struct store_image **ret, size_t *ret_n,
                     struct ctrd_error *err);
/* Removes the image and its references. */
int store_image_remove(struct store *s, const char *id, struct ctrd_error *err);

/* Points ref at image_id, moving it away from any other image. */
int store_ref_set(struct store *s, const char *ref, const char *image_id, bool is_digest,
                  struct ctrd_error *err);
/* The image ref names, into ret (STORE_DIGEST_MAX bytes); -ENOENT if none. */
int store_ref_get(struct store *s, const char *ref, char ret[STORE_DIGEST_MAX],
                  struct ctrd_error *err);
int store_ref_remove(struct store *s, const char *ref, struct ctrd_error *err);
/* The image's tags or digests, sorted, NULL-terminated. */
int store_ref_list(struct store *s, const char *image_id, bool digests, char ***ret,
                   struct ctrd_error *err);
