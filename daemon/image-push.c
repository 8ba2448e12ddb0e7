#include "image-push.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "daemon/image-ref.h"
#include "daemon/registry-manifest.h"
#include "daemon/registry-progress.h"
#include "daemon/registry-upload.h"
#include "fs-util.h"
#include "store/images.h"

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
        struct registry_progress progress;
        struct image_service *svc;
        struct registry_client *client;
        struct image_ref ref;
        char **mount_from;              /* other repositories of this registry naming the image */
        char **chains;                  /* the image's layers, bottom first */
        struct push_blob *layers;
        size_t n_layers;
        struct push_blob config;
        char *manifest_digest;
        size_t manifest_size;
        struct ctrd_error err;
        int r;
        image_pull_done_fn done;
        void *userdata;
};

static void emit(struct push_job *j, json_t *m) {
        registry_progress_emit(&j->progress, m);
}

static void emit_blob(struct push_job *j, const struct push_blob *b, const char *status) {
        emit(j, json_pack("{s:s, s:{}, s:s}", "status", status, "progressDetail", "id", b->id));
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
        struct push_job *job;
        const struct push_blob *blob;
        uint64_t last;
};

static void upload_progress(void *userdata, uint64_t sent, uint64_t total) {
        struct upload_ctx *u = userdata;
        /* A line every 512 KiB, and the last one. */
        if (sent != total && sent - u->last < 512 * 1024)
                return;
        u->last = sent;
        emit(u->job, json_pack("{s:s, s:{s:I, s:I}, s:s}", "status", "Pushing", "progressDetail",
                               "current", (json_int_t) sent, "total", (json_int_t) total, "id",
                               u->blob->id));
}

/* HEAD, then a mount from a sibling repository, then the upload itself. */
static int push_blob(struct push_job *j, const struct push_blob *b, bool quiet) {
        int r = registry_blob_exists(j->client, b->digest, &j->err);
        if (r != 0) {
                if (r > 0 && !quiet)
                        emit_blob(j, b, "Layer already exists");
                return r < 0 ? r : 0;
        }
        for (size_t i = 0; j->mount_from && j->mount_from[i]; i++) {
                r = registry_blob_mount(j->client, b->digest, j->mount_from[i], &j->err);
                if (r > 0) {
                        if (!quiet) {
                                _cleanup_free_ char *s = NULL;
                                if (asprintf(&s, "Mounted from %s", j->mount_from[i]) >= 0)
                                        emit_blob(j, b, s);
                        }
                        return 0;
                }
                ctrd_error_clear(&j->err);      /* a refused mount only means: upload it */
        }
        _cleanup_close_ int fd = open(b->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return ctrd_error_sys(&j->err, errno, "opening '%s'", b->path);
        struct upload_ctx u = { .job = j, .blob = b };
        r = registry_blob_upload(j->client, b->digest, fd, b->size, quiet ? NULL : upload_progress, &u,
                                 &j->err);
        if (r >= 0 && !quiet)
                emit_blob(j, b, "Pushed");
        return r;
}

static int layer_blob(struct push_job *j, const char *chain, struct push_blob *b) {
        struct layer_store_result info;
        int r = layer_store_info(j->svc->layers, chain, &info, &j->err);
        if (r < 0)
                return r;
        snprintf(b->id, sizeof(b->id), "%.12s", digest_hex(info.diff_id));
        b->path = layer_store_path(j->svc->layers, chain, "layer.tar.zst");
        if (!b->path)
                return ctrd_error_set(&j->err, ENOMEM, "out of memory");
        emit_blob(j, b, "Preparing");
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

/* The transfer's own thread (registry-progress.h). */
static void *push_work(void *arg) {
        struct push_job *j = arg;
        _cleanup_free_ char *manifest = NULL;
        int r = 0;
        for (size_t i = 0; r >= 0 && i < j->n_layers; i++)
                r = layer_blob(j, j->chains[i], &j->layers[i]);
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
                j->manifest_digest = malloc(DIGEST_STR_LEN + 1);
                if (!j->manifest_digest || digest_buffer(manifest, j->manifest_size, j->manifest_digest) < 0)
                        r = ctrd_error_set(&j->err, ENOMEM, "out of memory");
        }
        if (r >= 0)
                r = registry_put_manifest(j->client, j->ref.tag, REGISTRY_MT_OCI_MANIFEST, manifest,
                                          j->manifest_size, NULL, &j->err);
        j->r = r;
        return NULL;
}

static void finish_messages(struct push_job *j) {
        _cleanup_free_ char *line = NULL;
        if (asprintf(&line, "%s: digest: %s size: %zu", j->ref.tag, j->manifest_digest, j->manifest_size) >= 0)
                emit(j, json_pack("{s:s}", "status", line));
        emit(j, json_pack("{s:{}, s:{s:s, s:s, s:I}}", "progressDetail", "aux", "Tag", j->ref.tag,
                          "Digest", j->manifest_digest, "Size", (json_int_t) j->manifest_size));
}

/* The pushed manifest names the image in this repository from now on (a RepoDigest). */
static int record_digest(struct push_job *j) {
        struct image_ref by_digest = j->ref;
        by_digest.tag = NULL;
        by_digest.digest = j->manifest_digest;
        _cleanup_free_ char *ref = image_ref_string(&by_digest, false);
        if (!ref)
                return ctrd_error_set(&j->err, ENOMEM, "out of memory");
        return store_ref_set(j->svc->store, ref, j->config.digest, true, &j->err);
}

static void job_free(uv_handle_t *h) {
        struct push_job *j = h->data;
        registry_client_free(j->client);
        image_ref_clear(&j->ref);
        strv_free(j->mount_from);
        strv_free(j->chains);
        for (size_t i = 0; i < j->n_layers; i++)
                free(j->layers[i].path);
        free(j->layers);
        free(j->config.path);
        free(j->manifest_digest);
        registry_progress_done(&j->progress);
        free(j);
}

static void push_after(struct registry_progress *p) {
        struct push_job *j = p->wake.data;
        if (j->r >= 0)
                j->r = record_digest(j);
        if (j->r >= 0)
                finish_messages(j);
        registry_progress_flush(&j->progress);
        j->done(j->r, &j->err, j->userdata);
        registry_progress_close(&j->progress, job_free);
}

/* Repositories of the target registry that already name the image: blobs may be mounted from them. */
static int mount_candidates(struct push_job *j, const char *image_id) {
        _cleanup_strv_free_ char **tags = NULL, **digests = NULL;
        size_t n = 0;
        if (store_ref_list(j->svc->store, image_id, false, &tags, &j->err) < 0 ||
            store_ref_list(j->svc->store, image_id, true, &digests, &j->err) < 0)
                return -j->err.code;
        j->mount_from = calloc(1, sizeof(char *));
        for (char **l = tags; j->mount_from && l; l = l == tags ? digests : NULL)
                for (size_t i = 0; l[i]; i++) {
                        struct image_ref r = { 0 };
                        if (image_ref_parse(l[i], &r, NULL) >= 0 && strcmp(r.domain, j->ref.domain) == 0 &&
                            strcmp(r.path, j->ref.path) != 0) {
                                char **nl = reallocarray(j->mount_from, n + 2, sizeof(char *));
                                if (nl) {
                                        j->mount_from = nl;
                                        nl[n++] = TAKE_PTR(r.path);
                                        nl[n] = NULL;
                                }
                        }
                        image_ref_clear(&r);
                }
        return j->mount_from ? 0 : ctrd_error_set(&j->err, ENOMEM, "out of memory");
}

/* On the loop: what to push, from the records. */
static int plan(struct push_job *j, const struct image_push_request *rq, struct ctrd_error *err) {
        struct store_image img;
        _cleanup_free_ char *full = NULL;
        int r = image_ref_parse_repo_tag(rq->name, rq->tag, &j->ref, err);
        if (r < 0)
                return r;
        if (!(full = image_ref_string(&j->ref, false)))
                return ctrd_error_set(err, ENOMEM, "out of memory");
        r = image_resolve(j->svc, full, &img, NULL);
        if (r < 0) {
                _cleanup_free_ char *fam = image_ref_familiarize(full);
                return ctrd_error_set(err, ENOENT, "An image does not exist locally with the tag: %s",
                                      fam ? fam : full);
        }
        r = image_layer_chain(j->svc, img.id, &j->chains, err);
        if (r < 0)
                return r;
        while (j->chains[j->n_layers])
                j->n_layers++;
        j->layers = calloc(j->n_layers, sizeof(*j->layers));
        j->config.path = image_config_path(j->svc, img.id);
        if (!j->layers || !j->config.path)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        snprintf(j->config.id, sizeof(j->config.id), "%.12s", digest_hex(img.id));
        r = mount_candidates(j, img.id);
        if (r < 0)
                return ctrd_error_set(err, -r, "%s", j->err.msg);
        return registry_client_new(rq->opts, j->ref.domain, j->ref.path, rq->creds, &j->client, err);
}

int image_push_start(struct image_service *svc, const struct image_push_request *rq,
                     image_pull_progress_fn progress, image_pull_done_fn done, void *userdata,
                     struct ctrd_error *err) {
        struct push_job *j = calloc(1, sizeof(*j));
        if (!j)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        j->svc = svc;
        j->done = done;
        j->userdata = userdata;
        int r = registry_progress_init(&j->progress, svc->loop, progress, userdata, j, err);
        if (r >= 0)
                r = plan(j, rq, err);
        if (r < 0) {
                registry_progress_close(&j->progress, job_free);
                return r;
        }
        registry_client_want_push(j->client);
        _cleanup_free_ char *name = image_ref_name(&j->ref, false), *line = NULL;
        if (name && asprintf(&line, "The push refers to repository [%s]", name) >= 0)
                emit(j, json_pack("{s:s}", "status", line));
        r = registry_progress_run(&j->progress, push_work, j, push_after, err);
        if (r < 0)
                registry_progress_close(&j->progress, job_free);
        return r < 0 ? r : 0;
}
