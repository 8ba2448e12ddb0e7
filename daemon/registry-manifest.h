/*
 * Registry manifests as the distribution API serves them: Docker schema 2
 * and OCI image manifests (a config and layers), and Docker manifest lists
 * and OCI image indexes (one manifest per platform). Pure parsing, no I/O:
 * the pull fetches the bytes and checks their digest before handing them here.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "daemon/digest.h"
#include "error.h"

#define REGISTRY_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define REGISTRY_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define REGISTRY_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define REGISTRY_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
/* What a manifest GET accepts, most wanted first. */
#define REGISTRY_MANIFEST_ACCEPT                                                        \
        REGISTRY_MT_DOCKER_LIST ", " REGISTRY_MT_OCI_INDEX ", " REGISTRY_MT_DOCKER_MANIFEST \
        ", " REGISTRY_MT_OCI_MANIFEST

struct registry_blob {
        char digest[DIGEST_STR_LEN + 1];
        int64_t size;
        char *media_type;
};

struct registry_manifest {
        bool is_index;
        /* an image manifest */
        struct registry_blob config;
        struct registry_blob *layers;
        size_t n_layers;
        /* an index: the manifest chosen for the platform */
        struct registry_blob chosen;
};

/* A platform as "os/arch[/variant]"; the host's when spec is NULL or empty. */
struct registry_platform {
        char os[32], arch[32], variant[16];
};
int registry_platform_parse(const char *spec, struct registry_platform *ret, struct ctrd_error *err);

/*
 * Parses a manifest or an index. content_type is the response's (may be
 * NULL: the document's own mediaType decides). For an index, the manifest
 * for platform is chosen into ret->chosen (-ENOENT when none matches).
 */
int registry_manifest_parse(const char *data, size_t len, const char *content_type,
                            const struct registry_platform *platform,
                            struct registry_manifest *ret, struct ctrd_error *err);
void registry_manifest_clear(struct registry_manifest *m);
