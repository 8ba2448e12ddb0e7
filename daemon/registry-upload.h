/*
 * The push half of the distribution API: blob existence checks (HEAD),
 * monolithic blob uploads (POST an upload session, PUT the bytes with their
 * digest), cross-repository mounts, and manifest puts. Blocking, for the
 * threadpool, like registry-client.h.
 */
#pragma once

#include <stdint.h>

#include "daemon/registry-client.h"

/* 1 when the repository has the blob, 0 when not. */
int registry_blob_exists(struct registry_client *c, const char *digest, struct ctrd_error *err);

/*
 * Asks the registry to mount digest from repository from (same registry):
 * 1 when mounted, 0 when the registry would rather have it uploaded.
 */
int registry_blob_mount(struct registry_client *c, const char *digest, const char *from,
                        struct ctrd_error *err);

/* Uploads size bytes from fd (from offset 0) as blob digest; progress may be NULL. */
int registry_blob_upload(struct registry_client *c, const char *digest, int fd, uint64_t size,
                         void (*progress)(void *userdata, uint64_t sent, uint64_t total),
                         void *userdata, struct ctrd_error *err);

/* PUTs a manifest under ref (a tag); the registry's digest for it goes to ret_digest (heap). */
int registry_put_manifest(struct registry_client *c, const char *ref, const char *media_type,
                          const char *body, size_t len, char **ret_digest, struct ctrd_error *err);
