/*
 * push (docs/image-worker.md): each layer goes as the zstd stream the layer
 * store keeps (an OCI tar+zstd layer, so nothing is recompressed), after a
 * HEAD shows the registry lacks it and a cross-repository mount did not
 * help; then the config and an OCI manifest under the tag. Progress lines
 * are Docker's push messages.
 *
 * Request: "Ref" (the target, with its tag), "Image" (its ID: the config's
 * digest), "Layers" (its chainIDs, bottom first), "MountFrom" (repositories
 * of the same registry that name the image), "Registry", "Auth". Result:
 * {"Digest", "Size"}: the pushed manifest's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "daemon/image-new.h"
#include "daemon/registry-manifest.h"
#include "daemon/registry-upload.h"
#include "registry.h"
#include "worker.h"

#define SHORT_ID 12
#define HASH_CHUNK (256 * 1024)
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_OCI_ZSTD_LAYER "application/vnd.oci.image.layer.v1.tar+zstd"

struct push_blob {
        char *path;                     /* the file to send */
        char digest[DIGEST_STR_LEN + 1];
        char id[SHORT_ID + 1];          /* what the progress lines call it: the diffID's start */
        uint64_t size;
};

struct push_job {
        struct worker_ctx *ctx;
        struct registry_client *client;
        struct image_ref ref;
        json_t *mount_from;             /* other repositories of this registry naming the image */
        json_t *chains;                 /* the image's layers, bottom first */
        struct push_blob *layers;
        size_t n_layers;
        struct push_blob config;
        char manifest_digest[DIGEST_STR_LEN + 1];
        size_t manifest_size;
        struct ctrd_error err;
};

static void emit_blob(const struct push_blob *b, const char *status) {
        worker_progress(json_pack("{s:s, s:{}, s:s}", "status", status, "progressDetail", "id", b->id));
}

/* The digest and size of the file a blob is sent from. */
static int hash_file(struct push_blob *b, struct ctrd_error *err) {
        _cleanup_close_ int fd = open(b->path, O_RDONLY | O_CLOEXEC);
        _cleanup_free_ char *buf = malloc(HASH_CHUNK);
        struct digest_ctx ctx;
        ssize_t n;
        if (fd < 0)
                return ctrd_error_sys(err, errno, "opening '%s'", b->path);
        if (!buf || digest_init(&ctx) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        b->size = 0;
        while ((n = read(fd, buf, HASH_CHUNK)) > 0) {
                digest_update(&ctx, buf, (size_t) n);
                b->size += (uint64_t) n;
        }
        if (n < 0) {
                int e = errno;
                digest_done(&ctx);
                return ctrd_error_sys(err, e, "reading '%s'", b->path);
        }
        return digest_final(&ctx, b->digest) < 0 ? ctrd_error_set(err, EIO, "hashing '%s'", b->path) : 0;
}

struct upload_ctx {
        const struct push_blob *blob;
        uint64_t last;
};

static void upload_progress(void *userdata, uint64_t sent, uint64_t total) {
        struct upload_ctx *u = userdata;
        /* A line every 512 KiB, and the last one. */
        if (sent != total && sent - u->last < 512 * 1024)
                return;
        u->last = sent;
        worker_progress(json_pack("{s:s, s:{s:I, s:I}, s:s}", "status", "Pushing", "progressDetail",
                                  "current", (json_int_t) sent, "total", (json_int_t) total, "id",
                                  u->blob->id));
}

/* HEAD, then a mount from a sibling repository, then the upload itself. */
static int push_blob(struct push_job *j, const struct push_blob *b, bool quiet) {
        int r = registry_blob_exists(j->client, b->digest, &j->err);
        size_t i;
        json_t *v;
        if (r != 0) {
                if (r > 0 && !quiet)
                        emit_blob(b, "Layer already exists");
                return r < 0 ? r : 0;
        }
        json_array_foreach(j->mount_from, i, v) {
                const char *from = json_string_value(v);
                r = from ? registry_blob_mount(j->client, b->digest, from, &j->err) : 0;
                if (r > 0) {
                        if (!quiet) {
                                _cleanup_free_ char *s = NULL;
                                if (asprintf(&s, "Mounted from %s", from) >= 0)
                                        emit_blob(b, s);
                        }
                        return 0;
                }
                ctrd_error_clear(&j->err);      /* a refused mount only means: upload it */
        }
        _cleanup_close_ int fd = open(b->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return ctrd_error_sys(&j->err, errno, "opening '%s'", b->path);
        struct upload_ctx u = { .blob = b };
        r = registry_blob_upload(j->client, b->digest, fd, b->size, quiet ? NULL : upload_progress, &u,
                                 &j->err);
        if (r >= 0 && !quiet)
                emit_blob(b, "Pushed");
        return r;
}

static int layer_blob(struct push_job *j, const char *chain, struct push_blob *b) {
        struct layer_store_result info;
        if (!digest_is_valid(chain))
                return ctrd_error_set(&j->err, EINVAL, "the request names an invalid layer");
        int r = layer_store_info(j->ctx->layers, chain, &info, &j->err);
        if (r < 0)
                return r;
        snprintf(b->id, sizeof(b->id), "%.12s", digest_hex(info.diff_id));
        b->path = layer_store_path(j->ctx->layers, chain, "layer.tar.zst");
        if (!b->path)
                return ctrd_error_set(&j->err, ENOMEM, "out of memory");
        emit_blob(b, "Preparing");
        return hash_file(b, &j->err);
}

static char *manifest_json(struct push_job *j) {
        json_t *layers = json_array();
        for (size_t i = 0; layers && i < j->n_layers; i++)
                json_array_append_new(layers, json_pack("{s:s, s:s, s:I}", "mediaType", MT_OCI_ZSTD_LAYER,
                                                        "digest", j->layers[i].digest, "size",
                                                        (json_int_t) j->layers[i].size));
        json_auto_t *m = json_pack("{s:i, s:s, s:{s:s, s:s, s:I}, s:o}", "schemaVersion", 2, "mediaType",
                                   REGISTRY_MT_OCI_MANIFEST, "config", "mediaType", MT_OCI_CONFIG,
                                   "digest", j->config.digest, "size", (json_int_t) j->config.size,
                                   "layers", layers);
        return m ? json_dumps(m, JSON_COMPACT) : NULL;
}

static int push_run(struct push_job *j) {
        _cleanup_free_ char *manifest = NULL;
        int r = 0;
        for (size_t i = 0; r >= 0 && i < j->n_layers; i++)
                r = layer_blob(j, json_string_value(json_array_get(j->chains, i)), &j->layers[i]);
        for (size_t i = 0; r >= 0 && i < j->n_layers; i++)
                r = push_blob(j, &j->layers[i], false);
        if (r >= 0)
                r = hash_file(&j->config, &j->err);
        if (r >= 0)
                r = push_blob(j, &j->config, true);
        if (r >= 0 && !(manifest = manifest_json(j)))
                r = ctrd_error_set(&j->err, ENOMEM, "out of memory");
        if (r >= 0) {
                j->manifest_size = strlen(manifest);
                if (digest_buffer(manifest, j->manifest_size, j->manifest_digest) < 0)
                        r = ctrd_error_set(&j->err, ENOMEM, "out of memory");
        }
        if (r >= 0)
                r = registry_put_manifest(j->client, j->ref.tag, REGISTRY_MT_OCI_MANIFEST, manifest,
                                          j->manifest_size, NULL, &j->err);
        return r;
}

/* What the request names: the target, the layers and the config to send. */
static int plan(struct push_job *j, json_t *request) {
        const char *id = json_string_value(json_object_get(request, "Image"));
        int r = worker_registry_ref(request, &j->ref, &j->err);
        if (r < 0)
                return r;
        if (!j->ref.tag || !json_is_array(j->chains) || !digest_is_valid(id))
                return ctrd_error_set(&j->err, EINVAL, "the request names no tag, layers or image");
        size_t n = json_array_size(j->chains);
        j->layers = calloc(n, sizeof(*j->layers));
        j->config.path = image_config_path_in(j->ctx->configs_dir, id);
        if (!j->layers || !j->config.path)
                return ctrd_error_set(&j->err, ENOMEM, "out of memory");
        j->n_layers = n;
        snprintf(j->config.id, sizeof(j->config.id), "%.12s", digest_hex(id));
        r = worker_registry_client(request, j->ref.domain, j->ref.path, &j->client, &j->err);
        if (r < 0)
                return r;
        registry_client_want_push(j->client);
        _cleanup_free_ char *name = image_ref_name(&j->ref, false), *line = NULL;
        if (name && asprintf(&line, "The push refers to repository [%s]", name) >= 0)
                worker_progress(json_pack("{s:s}", "status", line));
        return 0;
}

static void job_clear(struct push_job *j) {
        registry_client_free(j->client);
        image_ref_clear(&j->ref);
        for (size_t i = 0; i < j->n_layers; i++)
                free(j->layers[i].path);
        free(j->layers);
        free(j->config.path);
}

int worker_push(struct worker_ctx *ctx, json_t *request, json_t **ret_result, struct ctrd_error *err) {
        struct push_job j = {
                .ctx = ctx,
                .mount_from = json_object_get(request, "MountFrom"),
                .chains = json_object_get(request, "Layers"),
        };
        int r = plan(&j, request);
        if (r >= 0)
                r = push_run(&j);
        if (r >= 0 && !(*ret_result = json_pack("{s:s, s:I}", "Digest", j.manifest_digest, "Size",
                                                (json_int_t) j.manifest_size)))
                r = ctrd_error_set(&j.err, ENOMEM, "out of memory");
        if (r < 0)
                *err = j.err;
        job_clear(&j);
        return r;
}
