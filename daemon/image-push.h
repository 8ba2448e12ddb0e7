/*
 * Pushing an image to a registry (docs/registry.md): what to push (the
 * image's layers and config, and the other repositories of the target
 * registry that name it, for cross-repository mounts) is resolved here from
 * the records; the image worker (push, in daemon/worker/push.c) sends it
 * with Docker's push progress stream. The pushed digest becomes a RepoDigest.
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
