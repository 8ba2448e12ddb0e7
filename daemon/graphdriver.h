/*
 * Storage drivers: how a container gets a writable root made of its image's
 * layers. "overlay" mounts the layers' diff dirs as lowerdirs with a
 * per-container upper/work dir (cheap, shared); "copy" applies every layer
 * into a plain directory (slow, but it works where overlay cannot, e.g. a
 * data root that is itself on overlayfs). Both leave the root at DIR/rootfs.
 */
#pragma once

#include <stddef.h>

#include "error.h"

struct layer_store;

struct graphdriver {
        const char *name;
        /* chain_ids are bottom first; dir exists and belongs to the container. */
        int (*prepare)(struct layer_store *ls, char *const *chain_ids, size_t n, const char *dir,
                       struct ctrd_error *err);
        /* Undoes prepare; safe to call on a dir where prepare failed half-way or never ran. */
        int (*release)(const char *dir, struct ctrd_error *err);
};

extern const struct graphdriver graphdriver_overlay;
extern const struct graphdriver graphdriver_copy;

/* The driver called name ("overlay", "copy"), or NULL. */
const struct graphdriver *graphdriver_by_name(const char *name);

/* overlay when a probe mount under data_root works, copy otherwise. */
const struct graphdriver *graphdriver_detect(const char *data_root);

/* Runs d->prepare and returns "dir/rootfs" (heap) in *ret_rootfs; releases on failure. */
int graphdriver_prepare(const struct graphdriver *d, struct layer_store *ls, char *const *chain_ids,
                        size_t n, const char *dir, char **ret_rootfs, struct ctrd_error *err);
