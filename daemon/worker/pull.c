/*
 * pull (docs/image-worker.md): the manifest (an index resolved to the
 * platform), the config, then the layers the store lacks, at most
 * PULL_PARALLEL at a time, each extracted as it streams; the config is
 * written last, so a failed pull leaves nothing trusted behind. Progress
 * lines are Docker's pull messages, in Docker's order.
 *
 * Request: "Ref" (a full reference: a tag or a digest), "Platform"
 * ("os/arch[/variant]" or null), "Registry", "Auth". Result: {"Image": the
 * image (image-new.h), "ManifestDigest": what the reference names (maybe an
 * index), "Fetched": whether a layer travelled}.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "daemon/image-config.h"
#include "daemon/image-new.h"
#include "daemon/registry-layer.h"
#include "daemon/registry-manifest.h"
#include "fs-util.h"
#include "registry.h"
#include "worker.h"

#define PULL_PARALLEL 3
#define CONFIG_MAX (8 * 1024 * 1024)
#define SHORT_ID 12

struct pull_job {
        struct worker_ctx *ctx;
        struct registry_client *client;
        struct image_ref ref;
        struct registry_platform platform;
        struct registry_manifest manifest;
        char manifest_digest[DIGEST_STR_LEN + 1];   /* of what the reference names (maybe an index) */
        struct image_config config;
        struct image_new img;
        char **chains;                  /* the chainIDs the config implies */
        bool fetched;                   /* a layer travelled */
        struct registry_doc config_doc; /* the config's bytes, written once every layer is in */

        pthread_mutex_t lock;           /* guards what follows, shared with the layer threads */
        size_t next_layer;
        bool failed;

        struct ctrd_error err;
        int r;
};

static void emit_layer(struct pull_job *j, size_t i, const char *status) {
        worker_progress(json_pack("{s:s, s:{}, s:s#}", "status", status, "progressDetail", "id",
                                  digest_hex(j->manifest.layers[i].digest), SHORT_ID));
}

/* Fetches a manifest and checks it is what a digest reference or the index promised. */
static int fetch_manifest(struct pull_job *j, const char *ref, const char *want_digest,
                          struct registry_doc *doc, char digest[DIGEST_STR_LEN + 1]) {
        int r = registry_get_manifest(j->client, ref, doc, &j->err);
        if (r < 0)
                return r;
        if (digest_buffer(doc->body, doc->len, digest) < 0)
                return ctrd_error_set(&j->err, EIO, "hashing the manifest");
        if (want_digest && strcmp(want_digest, digest) != 0)
                return ctrd_error_set(&j->err, EBADMSG, "manifest %s: the registry sent one whose "
                                      "digest is %s", want_digest, digest);
        return 0;
}

static int resolve_manifest(struct pull_job *j) {
        struct registry_doc doc = { 0 };
        char digest[DIGEST_STR_LEN + 1];
        const char *ref = j->ref.digest ? j->ref.digest : j->ref.tag;
        int r = fetch_manifest(j, ref, j->ref.digest, &doc, j->manifest_digest);
        if (r == -ENOENT) {
                /* Docker's words, which scripts look for; the registry's reason stays after them. */
                _cleanup_free_ char *full = image_ref_string(&j->ref, false);
                _cleanup_free_ char *shown = full ? image_ref_familiarize(full) : NULL;
                char why[CTRD_ERROR_MSG_MAX];
                const char *colon = strstr(j->err.msg, ": ");
                snprintf(why, sizeof(why), "%s", colon ? colon + 2 : j->err.msg);
                r = ctrd_error_set(&j->err, ENOENT, "manifest for %s not found: %s", shown ? shown : ref, why);
        }
        if (r >= 0)
                r = registry_manifest_parse(doc.body, doc.len, doc.content_type, &j->platform,
                                            &j->manifest, &j->err);
        registry_doc_clear(&doc);
        if (r < 0 || !j->manifest.is_index)
                return r;
        /* An index: the manifest for our platform, by its digest. */
        struct registry_blob chosen = j->manifest.chosen;
        j->manifest.chosen.media_type = NULL;   /* moved into chosen */
        r = fetch_manifest(j, chosen.digest, chosen.digest, &doc, digest);
        registry_manifest_clear(&j->manifest);
        if (r >= 0)
                r = registry_manifest_parse(doc.body, doc.len, doc.content_type, &j->platform,
                                            &j->manifest, &j->err);
        if (r >= 0 && j->manifest.is_index)
                r = ctrd_error_set(&j->err, ENOTSUP, "nested image indexes are not supported");
        registry_doc_clear(&doc);
        free(chosen.media_type);
        return r;
}

static int fetch_config(struct pull_job *j) {
        struct registry_doc doc = { 0 };
        int r = registry_get_blob(j->client, j->manifest.config.digest, CONFIG_MAX, &doc, &j->err);
        if (r >= 0 && (digest_buffer(doc.body, doc.len, j->img.id) < 0 ||
                       strcmp(j->img.id, j->manifest.config.digest) != 0))
                r = ctrd_error_set(&j->err, EBADMSG, "config %s: the registry sent a blob whose "
                                   "digest is %s", j->manifest.config.digest, j->img.id);
        if (r >= 0)
                r = image_config_parse(doc.body, doc.len, &j->config, &j->err);
        if (r >= 0 && j->config.n_layers != j->manifest.n_layers)
                r = ctrd_error_set(&j->err, EINVAL, "the config names %zu layers, the manifest %zu",
                                   j->config.n_layers, j->manifest.n_layers);
        j->img.created = j->config.created;
        j->config_doc = doc;
        return r;
}

/*
 * Last, so a pull that fails leaves no config file behind either. Two pulls
 * of one image are two workers, and ctrd_write_file_atomic()'s temp name is
 * per process: they do not trip over each other.
 */
static int write_config(struct pull_job *j) {
        _cleanup_free_ char *path = image_config_path_in(j->ctx->configs_dir, j->img.id);
        if (!path)
                return ctrd_error_set(&j->err, ENOMEM, "out of memory");
        return ctrd_write_file_atomic(path, j->config_doc.body, j->config_doc.len, 0600, &j->err);
}

/* chainIDs follow from the config alone, so every layer can be fetched at once. */
static int plan_layers(struct pull_job *j) {
        size_t n = j->manifest.n_layers;
        j->chains = calloc(n + 1, sizeof(char *));
        j->img.layers = calloc(n, sizeof(*j->img.layers));
        if (!j->chains || !j->img.layers)
                return ctrd_error_set(&j->err, ENOMEM, "out of memory");
        j->img.n_layers = n;
        for (size_t i = 0; i < n; i++) {
                if (!(j->chains[i] = malloc(DIGEST_STR_LEN + 1)))
                        return ctrd_error_set(&j->err, ENOMEM, "out of memory");
                if (digest_chain_id(i ? j->chains[i - 1] : NULL, j->config.diff_ids[i], j->chains[i]) < 0)
                        return ctrd_error_set(&j->err, EINVAL, "invalid diffID %s", j->config.diff_ids[i]);
                bool have = layer_store_exists(j->ctx->layers, j->chains[i]);
                emit_layer(j, i, have ? "Already exists" : "Pulling fs layer");
        }
        return 0;
}

struct layer_ctx {
        struct pull_job *job;
        size_t index;
};

static void layer_progress(void *userdata, uint64_t current, uint64_t total) {
        struct layer_ctx *c = userdata;
        worker_progress(json_pack("{s:s, s:{s:I, s:I}, s:s#}", "status", "Downloading", "progressDetail",
                                  "current", (json_int_t) current, "total", (json_int_t) total, "id",
                                  digest_hex(c->job->manifest.layers[c->index].digest), SHORT_ID));
}

static int pull_one(struct pull_job *j, size_t i, struct ctrd_error *err) {
        struct layer_ctx ctx = { .job = j, .index = i };
        struct registry_layer_job lj = {
                .client = j->client, .layers = j->ctx->layers, .blob = &j->manifest.layers[i],
                .parent_chain = i ? j->chains[i - 1] : NULL, .diff_id = j->config.diff_ids[i],
                .progress = layer_progress, .userdata = &ctx,
        };
        bool had = layer_store_exists(j->ctx->layers, j->chains[i]);
        int r = registry_layer_pull(&lj, &j->img.layers[i], err);
        if (r >= 0 && !j->img.layers[i].existed) {
                emit_layer(j, i, "Download complete");
                emit_layer(j, i, "Pull complete");
        } else if (r >= 0 && !had) {
                emit_layer(j, i, "Already exists");     /* a concurrent pull fetched it meanwhile */
        }
        return r;
}

/* A layer thread: takes the next layer until none is left or one failed. */
static void *layer_worker(void *userdata) {
        struct pull_job *j = userdata;
        for (;;) {
                struct ctrd_error err = { 0 };
                pthread_mutex_lock(&j->lock);
                size_t i = j->next_layer++;
                bool stop = j->failed || i >= j->img.n_layers;
                pthread_mutex_unlock(&j->lock);
                if (stop)
                        return NULL;
                int r = pull_one(j, i, &err);
                pthread_mutex_lock(&j->lock);
                if (r >= 0 && !j->img.layers[i].existed)
                        j->fetched = true;
                if (r < 0 && !j->failed) {
                        j->failed = true;
                        j->r = r;
                        j->err = err;
                }
                pthread_mutex_unlock(&j->lock);
        }
}

static int pull_layers(struct pull_job *j) {
        pthread_t th[PULL_PARALLEL];
        size_t n = 0;
        for (; n < PULL_PARALLEL && n < j->img.n_layers; n++)
                if (pthread_create(&th[n], NULL, layer_worker, j) != 0)
                        break;
        if (n == 0)
                return ctrd_error_set(&j->err, EAGAIN, "cannot start a download thread");
        for (size_t i = 0; i < n; i++)
                pthread_join(th[i], NULL);
        return j->failed ? j->r : 0;
}

static int pull_run(struct pull_job *j) {
        _cleanup_free_ char *status = NULL;
        int r = resolve_manifest(j);
        /* Docker's first line: the repository without its registry, and the tag or digest. */
        if (r >= 0 && asprintf(&status, "Pulling from %s", j->ref.path) >= 0)
                worker_progress(json_pack("{s:s, s:s}", "status", status, "id",
                                          j->ref.digest ? j->ref.digest : j->ref.tag));
        if (r >= 0)
                r = fetch_config(j);
        if (r >= 0)
                r = plan_layers(j);
        if (r >= 0)
                r = pull_layers(j);
        if (r >= 0)
                r = write_config(j);
        return r;
}

static void job_clear(struct pull_job *j) {
        registry_client_free(j->client);
        image_ref_clear(&j->ref);
        registry_manifest_clear(&j->manifest);
        image_config_clear(&j->config);
        registry_doc_clear(&j->config_doc);
        image_new_clear(&j->img);
        strv_free(j->chains);
        pthread_mutex_destroy(&j->lock);
}

int worker_pull(struct worker_ctx *ctx, json_t *request, json_t **ret_result, struct ctrd_error *err) {
        struct pull_job j = { .ctx = ctx };
        pthread_mutex_init(&j.lock, NULL);
        int r = worker_registry_ref(request, &j.ref, &j.err);
        if (r >= 0)
                r = registry_platform_parse(json_string_value(json_object_get(request, "Platform")),
                                            &j.platform, &j.err);
        if (r >= 0)
                r = worker_registry_client(request, j.ref.domain, j.ref.path, &j.client, &j.err);
        if (r >= 0)
                r = pull_run(&j);
        if (r >= 0 && !(*ret_result = json_pack("{s:o, s:s, s:b}", "Image", image_new_to_json(&j.img),
                                                "ManifestDigest", j.manifest_digest, "Fetched", j.fetched)))
                r = ctrd_error_set(&j.err, ENOMEM, "out of memory");
        if (r < 0)
                *err = j.err;
        job_clear(&j);
        return r;
}
