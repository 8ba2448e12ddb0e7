#include "registry-upload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "daemon/registry-internal.h"

int registry_blob_exists(struct registry_client *c, const char *digest, struct ctrd_error *err) {
        _cleanup_free_ char *what = NULL;
        struct exchange x = { .method = "HEAD" };
        if (asprintf(&what, "blobs/%s", digest) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        int r = registry_request(c, what, NULL, &x, err);
        registry_exchange_clear(&x);
        if (r == -ENOENT) {
                ctrd_error_clear(err);
                return 0;
        }
        return r < 0 ? r : 1;
}

/* POST blobs/uploads/[?query]: 201 (mounted) or 202 with the session's Location. */
static int start_upload(struct registry_client *c, const char *query, char **ret_location,
                        long *ret_status, struct ctrd_error *err) {
        _cleanup_free_ char *what = NULL;
        struct exchange x = { .method = "POST", .max = 4096 };
        if (asprintf(&what, "blobs/uploads/%s", query ? query : "") < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        int r = registry_request(c, what, NULL, &x, err);
        if (r >= 0 && x.status == 202 && !x.location)
                r = ctrd_error_set(err, EPROTO, "%s: the registry opened an upload without a Location",
                                   registry_client_base(c));
        *ret_status = x.status;
        if (r >= 0 && x.status == 202)
                *ret_location = TAKE_PTR(x.location);
        registry_exchange_clear(&x);
        return r;
}

int registry_blob_mount(struct registry_client *c, const char *digest, const char *from,
                        struct ctrd_error *err) {
        _cleanup_free_ char *query = NULL, *location = NULL;
        long status = 0;
        if (asprintf(&query, "?mount=%s&from=%s", digest, from) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        int r = start_upload(c, query, &location, &status, err);
        /* A 202 opened a session we do not use; registries let unused sessions expire. */
        return r < 0 ? r : status == 201;
}

int registry_blob_upload(struct registry_client *c, const char *digest, int fd, uint64_t size,
                         void (*progress)(void *userdata, uint64_t sent, uint64_t total),
                         void *userdata, struct ctrd_error *err) {
        _cleanup_free_ char *location = NULL, *put = NULL;
        long status = 0;
        int r = start_upload(c, NULL, &location, &status, err);
        if (r < 0)
                return r;
        if (asprintf(&put, "%s%sdigest=%s", location, strchr(location, '?') ? "&" : "?", digest) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        struct exchange x = { .method = "PUT", .has_upload = true, .upload_fd = fd, .upload_len = size,
                              .upload_progress = progress, .userdata = userdata,
                              .content_type = "application/octet-stream", .max = 4096 };
        r = registry_request(c, put, NULL, &x, err);
        registry_exchange_clear(&x);
        return r < 0 ? ctrd_error_wrap(err, "uploading blob %s", digest) : 0;
}

int registry_put_manifest(struct registry_client *c, const char *ref, const char *media_type,
                          const char *body, size_t len, char **ret_digest, struct ctrd_error *err) {
        _cleanup_free_ char *what = NULL;
        struct exchange x = { .method = "PUT", .payload = body, .payload_len = len,
                              .content_type = media_type, .max = 4096 };
        if (asprintf(&what, "manifests/%s", ref) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        int r = registry_request(c, what, NULL, &x, err);
        if (r >= 0 && ret_digest)
                *ret_digest = TAKE_PTR(x.doc.digest);
        registry_exchange_clear(&x);
        return r;
}
