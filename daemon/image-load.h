/*
 * Load (docker load): an archive holding one or more images, either as
 * dockerd writes them (manifest.json + config + per-layer tars, legacy or
 * OCI-based) or as an OCI image layout (index.json + blobs/, as skopeo,
 * umoci and buildah write it). The image worker (worker/load.c) unpacks
 * it, checks every config and layer against its digest and extracts the
 * layers not stored yet; the images are recorded back on the loop.
 */
#pragma once

#include <jansson.h>

#include "daemon/image-service.h"

/*
 * Called on the loop thread. messages is the JSON message stream to send
 * ("Loading layer" progress unless quiet, then "Loaded image: ..."), borrowed.
 */
typedef void (*image_load_done_fn)(int r, const struct ctrd_error *err, json_t *messages,
                                   void *userdata);

/* Loads from fd (taken, even on failure). */
int image_load_start(struct image_service *svc, int fd, bool quiet, image_load_done_fn done,
                     void *userdata, struct ctrd_error *err);
