/*
 * Import (docker import): a rootfs tarball becomes a one-layer image with a
 * fresh config. The tar is read from an fd (the uploaded body) and
 * extracted by the image worker (worker/import.c); the image is recorded
 * back on the loop.
 */
#pragma once

#include "daemon/image-service.h"

/* Called on the loop thread; image_id is NULL on failure. */
typedef void (*image_done_fn)(int r, const struct ctrd_error *err, const char *image_id,
                              void *userdata);

/*
 * Checks repo/tag/changes now (-EINVAL with err set), then imports from fd
 * (taken, even on failure). repo may be NULL or "" for an untagged image.
 */
int image_import_start(struct image_service *svc, int fd, const char *repo, const char *tag,
                       char *const *changes, const char *comment, image_done_fn done,
                       void *userdata, struct ctrd_error *err);
