#include "image-pull.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "daemon/image-config.h"
#include "daemon/image-ref.h"
#include "daemon/registry-layer.h"
#include "daemon/registry-manifest.h"
#include "daemon/registry-progress.h"
#include "fs-util.h"
#include "store/images.h"

#define CONFIG_MAX (8 * 1024 * 1024)
#define SHORT_ID 12

struct pull_job {
        struct registry_progress progress;
        struct image_service *svc;
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
        image_pull_done_fn done;
        void *userdata;
};

/* From any thread: queue a progress message for the loop. m is stolen. */
static void emit(struct pull_job *j, json_t *m) {
        registry_progress_emit(&j->progress, m);
}

static void emit_layer(struct pull_job *j, size_t i, const char *status) {
        emit(j, json_pack("{s:s, s:{}, s:s#}", "status", status, "progressDetail", "id",
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
 * of one image may get here at once, and ctrd_write_file_atomic()'s temp name
 * is per process, not per thread: one writer at a time.
 */
static int write_config(struct pull_job *j) {
        static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;
        _cleanup_free_ char *path = image_config_path(j->svc, j->img.id);
        if (!path)
                return ctrd_error_set(&j->err, ENOMEM, "out of memory");
        pthread_mutex_lock(&config_lock);
        int r = ctrd_write_file_atomic(path, j->config_doc.body, j->config_doc.len, 0600, &j->err);
        pthread_mutex_unlock(&config_lock);
        return r;
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
                bool have = layer_store_exists(j->svc->layers, j->chains[i]);
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
        emit(c->job, json_pack("{s:s, s:{s:I, s:I}, s:s#}", "status", "Downloading", "progressDetail",
                               "current", (json_int_t) current, "total", (json_int_t) total, "id",
                               digest_hex(c->job->manifest.layers[c->index].digest), SHORT_ID));
}

static int pull_one(struct pull_job *j, size_t i, struct ctrd_error *err) {
        struct layer_ctx ctx = { .job = j, .index = i };
        struct registry_layer_job lj = {
                .client = j->client, .layers = j->svc->layers, .blob = &j->manifest.layers[i],
                .parent_chain = i ? j->chains[i - 1] : NULL, .diff_id = j->config.diff_ids[i],
                .progress = layer_progress, .userdata = &ctx,
        };
        bool had = layer_store_exists(j->svc->layers, j->chains[i]);
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

/* The transfer's own thread (registry-progress.h). */
static void *pull_work(void *arg) {
        struct pull_job *j = arg;
        _cleanup_free_ char *status = NULL;
        int r = resolve_manifest(j);
        /* Docker's first line: the repository without its registry, and the tag or digest. */
        if (r >= 0 && asprintf(&status, "Pulling from %s", j->ref.path) >= 0)
                emit(j, json_pack("{s:s, s:s}", "status", status, "id",
                                  j->ref.digest ? j->ref.digest : j->ref.tag));
        if (r >= 0)
                r = fetch_config(j);
        if (r >= 0)
                r = plan_layers(j);
        if (r >= 0)
                r = pull_layers(j);
        if (r >= 0)
                r = write_config(j);
        j->r = r;
        return NULL;
}

/* On the loop: the tag and the digest the registry knows the image by. */
static int record(struct pull_job *j, bool *ret_existed) {
        struct image_ref by_digest = j->ref;
        _cleanup_free_ char *tag_ref = NULL, *digest_ref = NULL;
        by_digest.tag = NULL;
        by_digest.digest = j->manifest_digest;
        if (!(digest_ref = image_ref_string(&by_digest, false)))
                return ctrd_error_set(&j->err, ENOMEM, "out of memory");
        if (!j->ref.digest) {
                j->img.refs = calloc(2, sizeof(char *));
                if (!j->img.refs || !(j->img.refs[0] = image_ref_string(&j->ref, false)))
                        return ctrd_error_set(&j->err, ENOMEM, "out of memory");
        }
        j->img.event_action = "pull";
        int r = image_commit(j->svc, &j->img, ret_existed, &j->err);
        if (r >= 0)
                r = store_ref_set(j->svc->store, digest_ref, j->img.id, true, &j->err);
        return r;
}

static void finish_messages(struct pull_job *j, bool existed) {
        _cleanup_free_ char *digest = NULL, *status = NULL, *full = image_ref_string(&j->ref, false);
        _cleanup_free_ char *shown = full ? image_ref_familiarize(full) : NULL;
        if (asprintf(&digest, "Digest: %s", j->manifest_digest) >= 0)
                emit(j, json_pack("{s:s}", "status", digest));
        if (asprintf(&status, "Status: %s for %s", existed && !j->fetched ? "Image is up to date"
                     : "Downloaded newer image", shown ? shown : "") >= 0)
                emit(j, json_pack("{s:s}", "status", status));
}

static void job_free(uv_handle_t *h) {
        struct pull_job *j = h->data;
        registry_client_free(j->client);
        image_ref_clear(&j->ref);
        registry_manifest_clear(&j->manifest);
        image_config_clear(&j->config);
        registry_doc_clear(&j->config_doc);
        image_new_clear(&j->img);
        strv_free(j->chains);
        registry_progress_done(&j->progress);
        pthread_mutex_destroy(&j->lock);
        free(j);
}

static void pull_after(struct registry_progress *p) {
        struct pull_job *j = p->wake.data;
        bool existed = false;
        if (j->r >= 0)
                j->r = record(j, &existed);
        if (j->r >= 0)
                finish_messages(j, existed);
        registry_progress_flush(&j->progress);
        j->done(j->r, &j->err, j->userdata);
        registry_progress_close(&j->progress, job_free);
}

/* fromImage plus tag as Docker combines them: a tag parameter that is a digest pins it. */
static int parse_ref(const struct image_pull_request *rq, struct image_ref *ret,
                     struct ctrd_error *err) {
        _cleanup_free_ char *joined = NULL;
        const char *tag = rq->tag && *rq->tag ? rq->tag : NULL;
        if (tag && asprintf(&joined, "%s%s%s", rq->image, strncmp(tag, "sha256:", 7) == 0 ? "@" : ":",
                            tag) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        int r = image_ref_parse(joined ? joined : rq->image, ret, err);
        if (r < 0)
                return r;
        /* A digest pins the content; a tag given with it is only a name, and Docker drops it. */
        if (ret->digest && ret->tag) {
                free(ret->tag);
                ret->tag = NULL;
        }
        return 0;
}

static int job_new(struct image_service *svc, const struct image_pull_request *rq,
                   image_pull_progress_fn progress, struct pull_job **ret, struct ctrd_error *err) {
        struct pull_job *j = calloc(1, sizeof(*j));
        if (!j)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        pthread_mutex_init(&j->lock, NULL);
        j->svc = svc;
        int r = registry_progress_init(&j->progress, svc->loop, progress, NULL, j, err);
        if (r >= 0)
                r = parse_ref(rq, &j->ref, err);
        if (r >= 0)
                r = registry_platform_parse(rq->platform, &j->platform, err);
        if (r >= 0)
                r = registry_client_new(rq->opts, j->ref.domain, j->ref.path, rq->creds, &j->client, err);
        if (r < 0) {
                registry_progress_close(&j->progress, job_free);
                return r;
        }
        *ret = j;
        return 0;
}

int image_pull_start(struct image_service *svc, const struct image_pull_request *rq,
                     image_pull_progress_fn progress, image_pull_done_fn done, void *userdata,
                     struct ctrd_error *err) {
        struct pull_job *j = NULL;
        int r = job_new(svc, rq, progress, &j, err);
        if (r < 0)
                return r;
        j->progress.userdata = userdata;
        j->done = done;
        j->userdata = userdata;
        r = registry_progress_run(&j->progress, pull_work, j, pull_after, err);
        if (r < 0)
                registry_progress_close(&j->progress, job_free);
        return r < 0 ? r : 0;
}
