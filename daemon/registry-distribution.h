/*
 * Docker's GET /distribution/{name}/json: what the registry says a reference
 * is, without pulling it: the manifest's descriptor and the platforms it
 * offers (an index's entries, or the one the image's config names). The
 * name is checked here; the image worker (distribution,
 * daemon/worker/distribution.c) asks the registry.
 */
#pragma once

#include <jansson.h>

#include "daemon/image-service.h"
#include "daemon/registry-auth.h"
#include "daemon/registry-client.h"

/* result (borrowed) is {"Descriptor": {...}, "Platforms": [...]}; NULL on failure. */
typedef void (*registry_distribution_done_fn)(int r, const struct ctrd_error *err, json_t *result,
                                              void *userdata);

int registry_distribution_start(struct image_service *svc, const struct registry_options *opts,
                                const char *name, const struct registry_creds *creds,
                                registry_distribution_done_fn done, void *userdata,
                                struct ctrd_error *err);
