/*
 * A client for one repository of an OCI distribution (Docker registry v2)
 * endpoint, over libcurl easy handles. Every call is blocking and meant for
 * the uv threadpool (or a thread it started); one client may serve several
 * threads at once (each call has its own handle; the token is shared under
 * a lock).
 *
 * Auth: a request answered 401 is retried once after the challenge in its
 * WWW-Authenticate: Bearer (a token from the realm, with the credentials as
 * basic auth when there are any) or Basic (the credentials). Secrets never
 * reach a log or an error message.
 *
 * Plain HTTP is used only for loopback hosts and hosts marked insecure;
 * everything else is HTTPS with verified certificates.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/registry-auth.h"
#include "error.h"

struct registry_options {
        char **mirrors;         /* URLs tried before docker.io's own registry (NULL-terminated) */
        char **insecure;        /* hosts ("host:port") reached over plain HTTP */
};

struct registry_client;

/*
 * domain is the reference's ("docker.io", "127.0.0.1:5000"), repo its path.
 * creds (may be NULL) are copied.
 */
int registry_client_new(const struct registry_options *opts, const char *domain, const char *repo,
                        const struct registry_creds *creds, struct registry_client **ret,
                        struct ctrd_error *err);
void registry_client_free(struct registry_client *c);

/* Tokens asked from now on cover pushing too (scope "pull,push"). */
void registry_client_want_push(struct registry_client *c);

/* "https://host" or "http://host": where the client talks to. */
const char *registry_client_base(const struct registry_client *c);

struct registry_doc {
        char *body;             /* NUL-terminated */
        size_t len;
        char *content_type;
        char *digest;           /* Docker-Content-Digest, when sent */
};
void registry_doc_clear(struct registry_doc *d);

/* GET /v2/<repo>/manifests/<ref>: tag or digest. */
int registry_get_manifest(struct registry_client *c, const char *ref, struct registry_doc *ret,
                          struct ctrd_error *err);

/* GET a small blob (an image config) whole, at most max bytes. */
int registry_get_blob(struct registry_client *c, const char *digest, size_t max,
                      struct registry_doc *ret, struct ctrd_error *err);

/* Receives a blob's bytes in order; returns 0 to go on, -errno to stop the transfer. */
typedef int (*registry_sink_fn)(void *userdata, const void *data, size_t len);

/*
 * Streams a blob to sink, following redirects. When a transfer breaks after
 * some bytes arrived, it resumes with a Range request (up to 3 times) so sink
 * sees every byte once. *ret_bytes is how many bytes sink got.
 */
int registry_stream_blob(struct registry_client *c, const char *digest, registry_sink_fn sink,
                         void *userdata, uint64_t *ret_bytes, struct ctrd_error *err);

/*
 * GET /v2/, answering its challenge with the credentials: succeeds when the
 * registry accepts them (a login). Make the client with an empty repo.
 */
int registry_ping(struct registry_client *c, struct ctrd_error *err);

/* true for localhost, 127.0.0.0/8 and [::1], with or without a port. */
bool registry_host_is_loopback(const char *host);
