/*
 * Pushing an image to a registry (docs/registry.md): each layer goes as the
 * zstd stream the layer store keeps (an OCI tar+zstd layer, so nothing is
 * recompressed), after a HEAD shows the registry lacks it and a cross-
 * repository mount from another repository of the same registry that names
 * the image did not help; then the config and an OCI manifest under the tag.
 * Progress is Docker's push stream; the pushed digest becomes a RepoDigest.
 */
#pragma once

#include "daemon/image-pull.h"

struct image_push_request {
        const char *name;               /* the image, as a reference naming the target */
        const char *tag;                /* the tag parameter, or NULL */
        const struct registry_creds *creds;
        const struct registry_options *opts;
};

int image_push_start(struct image_service *svc, const struct image_push_request *rq,
                     image_pull_progress_fn progress, image_pull_done_fn done, void *userdata,
                     struct ctrd_error *err);
