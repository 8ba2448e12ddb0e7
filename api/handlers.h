/* Request handlers, one file per resource (api/handlers-*.c). */
#pragma once

#include "request.h"

/* handlers-system.c */
void api_handle_ping(struct api_request *req);
void api_handle_version(struct api_request *req);
void api_handle_info(struct api_request *req);

/* handlers-ctrd.c */
void api_handle_get_log_level(struct api_request *req);
void api_handle_set_log_level(struct api_request *req);
