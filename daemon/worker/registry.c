/* The registry jobs' common part: a client from the request's options and credentials (registry-job.h). */
#include "registry.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "worker.h"

int worker_registry_client(json_t *request, const char *domain, const char *repo,
                           struct registry_client **ret, struct ctrd_error *err) {
        json_t *reg = json_object_get(request, "Registry");
        _cleanup_strv_free_ char **mirrors = NULL, **insecure = NULL;
        struct registry_creds creds = { 0 };
        int r = worker_strv(json_object_get(reg, "Mirrors"), &mirrors);
        if (r >= 0)
                r = worker_strv(json_object_get(reg, "Insecure"), &insecure);
        if (r < 0)
                return ctrd_error_set(err, -r, "reading the registry options of the request");
        r = registry_creds_from_json(json_object_get(request, "Auth"), &creds, err);
        if (r < 0)
                return r;
        struct registry_options opts = { .mirrors = mirrors, .insecure = insecure };
        r = registry_client_new(&opts, domain, repo, &creds, ret, err);
        registry_creds_clear(&creds);
        return r;
}

int worker_registry_ref(json_t *request, struct image_ref *ret, struct ctrd_error *err) {
        const char *s = json_string_value(json_object_get(request, "Ref"));
        if (!s)
                return ctrd_error_set(err, EINVAL, "the request names no reference");
        return image_ref_parse(s, ret, err);
}
