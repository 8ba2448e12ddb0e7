/*
 * login (docs/image-worker.md): GET /v2/ with the registry's challenge
 * answered with the credentials; it succeeds when the registry accepts them.
 * Request: "Host", "Registry", "Auth". Result: {}.
 */
#include <errno.h>

#include "registry.h"
#include "worker.h"

int worker_login(struct worker_ctx *ctx, json_t *request, json_t **ret_result, struct ctrd_error *err) {
        struct registry_client *client = NULL;
        const char *host = json_string_value(json_object_get(request, "Host"));
        (void) ctx;
        if (!host || !*host)
                return ctrd_error_set(err, EINVAL, "the request names no registry");
        int r = worker_registry_client(request, host, "", &client, err);
        if (r >= 0)
                r = registry_ping(client, err);
        registry_client_free(client);
        if (r >= 0 && !(*ret_result = json_object()))
                r = ctrd_error_set(err, ENOMEM, "out of memory");
        return r;
}
