/*
 * The image endpoints (Docker shapes; docker-api.md §2.3, §3.9). The route
 * entries are listed here so api/routes.c registers them with one line.
 */
#pragma once

#include "request.h"

/* handlers-images.c: records */
void api_handle_images_list(struct api_request *req);
void api_handle_image_inspect(struct api_request *req);
void api_handle_image_history(struct api_request *req);
void api_handle_image_tag(struct api_request *req);
void api_handle_image_delete(struct api_request *req);
void api_handle_images_prune(struct api_request *req);

/* handlers-images-transfer.c: bodies in and archives out */
void api_handle_images_create(struct api_request *req);
void api_handle_images_load(struct api_request *req);
void api_handle_images_save(struct api_request *req);
int api_images_upload(struct api_request *req, const char *data, size_t len);

#define API_IMAGE_ROUTES                                                                   \
        { "GET", "/images/json", api_handle_images_list, NULL },                          \
        { "POST", "/images/create", api_handle_images_create, api_images_upload },        \
        { "POST", "/images/load", api_handle_images_load, api_images_upload },            \
        { "GET", "/images/get", api_handle_images_save, NULL },                           \
        { "POST", "/images/prune", api_handle_images_prune, NULL },                       \
        { "GET", "/images/{name*}/json", api_handle_image_inspect, NULL },                \
        { "GET", "/images/{name*}/history", api_handle_image_history, NULL },             \
        { "GET", "/images/{name*}/get", api_handle_images_save, NULL },                   \
        { "POST", "/images/{name*}/tag", api_handle_image_tag, NULL },                    \
        { "DELETE", "/images/{name*}", api_handle_image_delete, NULL }
