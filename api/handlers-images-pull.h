/* Pull and distribution endpoints (docs/registry.md). */
#pragma once

#include "request.h"

/* POST /images/create?fromImage=&tag=&platform= (called by api_handle_images_create). */
void api_handle_images_pull(struct api_request *req);
/* POST /auth: checks credentials against a registry, as dockerd does for docker login. */
void api_handle_auth(struct api_request *req);

/* POST /images/{name}/push?tag= */
void api_handle_image_push(struct api_request *req);

/* GET /distribution/{name}/json */
void api_handle_distribution(struct api_request *req);

#define API_REGISTRY_ROUTES                                                                \
        { "POST", "/auth", api_handle_auth, NULL },                                       \
        { "POST", "/images/{name*}/push", api_handle_image_push, NULL },                  \
        { "GET", "/distribution/{name*}/json", api_handle_distribution, NULL }
