#include "routes.h"

#include "handlers.h"
#include "handlers-images.h"
#include "macro.h"

/* First match wins; GET routes also answer HEAD. */
const struct api_route api_routes[] = {
        { "GET", "/_ping", api_handle_ping, NULL },
        { "GET", "/version", api_handle_version, NULL },
        { "GET", "/info", api_handle_info, NULL },
        { "GET", "/ctrd/log-level", api_handle_get_log_level, NULL },
        { "POST", "/ctrd/log-level", api_handle_set_log_level, NULL },
        API_IMAGE_ROUTES,
};

const size_t api_routes_count = ARRAY_SIZE(api_routes);
