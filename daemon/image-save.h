/*
 * Save (docker save): images into one tar that dockerd (manifest.json) and
 * OCI tools such as skopeo (index.json + oci-layout) both load. Layers are
 * written as the exact tar streams their diffIDs name (kept compressed at
 * extraction), so every image keeps its ID across save and load. The
 * daemon gathers the images from the store; the image worker
 * (worker/save.c) writes the archive into an unlinked temp file, which the
 * caller then streams out at the client's pace.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "daemon/image-service.h"

/* Called on the loop thread; fd (the archive, at offset 0, len bytes) is the callee's to close. */
typedef void (*image_save_done_fn)(int r, const struct ctrd_error *err, int fd, uint64_t len,
                                   void *userdata);

/* Resolves names now (-ENOENT with err set), then builds the archive. */
int image_save_start(struct image_service *svc, char *const *names, image_save_done_fn done,
                     void *userdata, struct ctrd_error *err);
