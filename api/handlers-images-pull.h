/* Pull and distribution endpoints (docs/registry.md). */
#pragma once

#include "request.h"

/* POST /images/create?fromImage=&tag=&platform= (called by api_handle_images_create). */
void api_handle_images_pull(struct api_request *req);
