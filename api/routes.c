#include "routes.h"

#include "handlers.h"
#include "handlers-images.h"
#include "handlers-images-pull.h"
#include "handlers-networks.h"
#include "macro.h"

/* First match wins; GET routes also answer HEAD. */
const struct api_route api_routes[] = {
        { "GET", "/_ping", api_handle_ping, NULL },
        { "GET", "/version", api_handle_version, NULL },
        { "GET", "/info", api_handle_info, NULL },
        { "GET", "/ctrd/log-level", api_handle_get_log_level, NULL },
        { "POST", "/ctrd/log-level", api_handle_set_log_level, NULL },
        API_IMAGE_ROUTES,
        API_REGISTRY_ROUTES,
        API_NETWORK_ROUTES,
        { "GET", "/events", api_handle_events, NULL },
        { "POST", "/containers/create", api_handle_container_create, NULL },
        { "POST", "/containers/prune", api_handle_container_prune, NULL },
        { "GET", "/containers/json", api_handle_container_list, NULL },
        { "GET", "/containers/{id}/json", api_handle_container_inspect, NULL },
        { "GET", "/containers/{id}/logs", api_handle_container_logs, NULL },
        { "POST", "/containers/{id}/start", api_handle_container_start, NULL },
        { "POST", "/containers/{id}/stop", api_handle_container_stop, NULL },
        { "POST", "/containers/{id}/restart", api_handle_container_restart, NULL },
        { "POST", "/containers/{id}/kill", api_handle_container_kill, NULL },
        { "POST", "/containers/{id}/wait", api_handle_container_wait, NULL },
        { "POST", "/containers/{id}/rename", api_handle_container_rename, NULL },
        { "POST", "/containers/{id}/attach", api_handle_container_attach, NULL },
        { "POST", "/containers/{id}/resize", api_handle_container_resize, NULL },
        { "POST", "/containers/{id}/exec", api_handle_exec_create, NULL },
        { "POST", "/exec/{id}/start", api_handle_exec_start, NULL },
        { "POST", "/exec/{id}/resize", api_handle_exec_resize, NULL },
        { "GET", "/exec/{id}/json", api_handle_exec_inspect, NULL },
        { "DELETE", "/containers/{id}", api_handle_container_delete, NULL },
        { "POST", "/containers/{id}/pause", api_handle_container_pause, NULL },
        { "POST", "/containers/{id}/unpause", api_handle_container_unpause, NULL },
        { "GET", "/containers/{id}/top", api_handle_container_top, NULL },
        { "GET", "/containers/{id}/stats", api_handle_container_stats, NULL },
};

const size_t api_routes_count = ARRAY_SIZE(api_routes);
