/*
 * Request routing: method + path pattern → handler. Patterns are literal
 * segments and parameters: "{id}" matches one segment, "{name*}" matches one
 * or more segments (image names carry '/', as in "/images/{name*}/json") and
 * must be followed by literal segments only. Paths may carry Docker's
 * "/vMAJOR.MINOR" prefix; api_split_version() strips it before matching.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define API_MAX_PARAMS 4
#define API_VERSION_MAJOR 1
#define API_VERSION_MINOR 41
#define API_MIN_VERSION_MINOR 24
#define API_VERSION_STRING "1.41"
#define API_MIN_VERSION_STRING "1.24"

struct api_request;
typedef void (*api_handler_fn)(struct api_request *req);
/* Consumes one piece of a streamed request body; returns 0 or -errno. */
typedef int (*api_upload_fn)(struct api_request *req, const char *data, size_t len);

struct api_route {
        const char *method;             /* "GET", "POST", ...; GET routes also answer HEAD */
        const char *pattern;
        api_handler_fn handler;
        api_upload_fn upload;           /* NULL: the body is buffered as JSON (1 MiB cap) */
};

struct api_match {
        const struct api_route *route;
        size_t n_params;
        struct {
                const char *name;       /* points into the pattern, not NUL-terminated */
                size_t name_len;
                char *value;            /* heap, owned by the caller: api_match_clear() */
        } params[API_MAX_PARAMS];
};

enum api_match_result {
        API_MATCH_FOUND,
        API_MATCH_NO_ROUTE,
        API_MATCH_OUT_OF_MEMORY,
};

/* Finds the route for method + path (version prefix already stripped). */
enum api_match_result api_route_match(const struct api_route *routes, size_t n_routes,
                                      const char *method, const char *path,
                                      struct api_match *ret);
void api_match_clear(struct api_match *m);

/* The value of parameter name in m, or NULL. */
const char *api_match_param(const struct api_match *m, const char *name);

struct api_version {
        unsigned major, minor;
};

/*
 * Splits "/v1.41/containers/json" into version 1.41 and "/containers/json".
 * Returns true and sets *ret_version when a prefix was present; *ret_rest
 * always points at the path to route.
 */
bool api_split_version(const char *path, struct api_version *ret_version, const char **ret_rest);
