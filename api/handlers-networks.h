/*
 * The network endpoints (Docker shapes; docker-api.md §2.4). The route
 * entries are listed here so api/routes.c registers them with one line.
 */
#pragma once

#include "request.h"

void api_handle_networks_list(struct api_request *req);
void api_handle_network_inspect(struct api_request *req);
void api_handle_network_create(struct api_request *req);
void api_handle_network_delete(struct api_request *req);
void api_handle_network_connect(struct api_request *req);
void api_handle_network_disconnect(struct api_request *req);
void api_handle_networks_prune(struct api_request *req);

#define API_NETWORK_ROUTES                                                                 \
        { "GET", "/networks", api_handle_networks_list, NULL },                           \
        { "GET", "/networks/json", api_handle_networks_list, NULL },                      \
        { "POST", "/networks/create", api_handle_network_create, NULL },                  \
        { "POST", "/networks/prune", api_handle_networks_prune, NULL },                   \
        { "GET", "/networks/{id}", api_handle_network_inspect, NULL },                    \
        { "POST", "/networks/{id}/connect", api_handle_network_connect, NULL },           \
        { "POST", "/networks/{id}/disconnect", api_handle_network_disconnect, NULL },     \
        { "DELETE", "/networks/{id}", api_handle_network_delete, NULL }
