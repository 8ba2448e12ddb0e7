/*
 * One layer from a registry into the layer store, extracted as it streams:
 * a thread receives the blob (hashing and counting it) and writes it into a
 * socketpair whose other end layer_store_unpack() reads, so the bytes touch
 * the disk once, as files. The blob's digest and size are checked when the
 * stream ends; a layer whose bytes were not what the manifest promised is
 * removed again, so a failed pull keeps nothing.
 *
 * Concurrent pulls of the same layer (same chainID), in this image worker
 * or another, wait for each other: the layer is downloaded once.
 */
#pragma once

#include <stdint.h>

#include "daemon/layer-store.h"
#include "daemon/registry-client.h"
#include "daemon/registry-manifest.h"

/* Called from the download thread as bytes arrive; at most every 100 ms. */
typedef void (*registry_layer_progress_fn)(void *userdata, uint64_t current, uint64_t total);

struct registry_layer_job {
        struct registry_client *client;
        struct layer_store *layers;
        const struct registry_blob *blob;
        const char *parent_chain;       /* NULL for the bottom layer */
        const char *diff_id;            /* what the image config says the layer is */
        registry_layer_progress_fn progress;
        void *userdata;
};

/* Blocking (threadpool). ret->existed: the layer was there already (nothing fetched). */
int registry_layer_pull(const struct registry_layer_job *job, struct layer_store_result *ret,
                        struct ctrd_error *err);
