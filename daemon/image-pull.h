/*
 * Pulling an image from a registry (docs/registry.md): the reference and
 * platform are checked here, on the loop; the image worker (pull, in
 * daemon/worker/pull.c) fetches the manifest, the config and the layers the
 * store lacks, passing Docker's JSON progress messages on; the image is
 * recorded with its tag and its RepoDigest only when every layer is in.
 */
#pragma once

#include <jansson.h>

#include "daemon/image-service.h"
#include "daemon/registry-auth.h"
#include "daemon/registry-client.h"

/* msg is borrowed: one of Docker's progress objects ({"status", "id", "progressDetail"}). */
typedef void (*image_pull_progress_fn)(json_t *msg, void *userdata);
typedef void (*image_pull_done_fn)(int r, const struct ctrd_error *err, void *userdata);

struct image_pull_request {
        const char *image;              /* fromImage: a name, maybe with a tag or digest */
        const char *tag;                /* the tag parameter (a tag or a digest), or NULL */
        const char *platform;           /* "os/arch[/variant]", or NULL for the host's */
        const struct registry_creds *creds;     /* may be NULL */
        const struct registry_options *opts;
};

/* Called on the loop; the pull runs in the image worker; progress and done come on the loop. */
int image_pull_start(struct image_service *svc, const struct image_pull_request *rq,
                     image_pull_progress_fn progress, image_pull_done_fn done, void *userdata,
                     struct ctrd_error *err);
