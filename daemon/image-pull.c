#include "image-pull.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "daemon/image-ref.h"
#include "daemon/registry-job.h"
#include "daemon/registry-manifest.h"
#include "store/images.h"

struct pull_job {
        struct image_service *svc;
        struct image_ref ref;
        image_pull_progress_fn progress;
        image_pull_done_fn done;
        void *userdata;
};

static void job_free(struct pull_job *j) {
        image_ref_clear(&j->ref);
        free(j);
}

static void emit(struct pull_job *j, json_t *m) {
        if (m)
                j->progress(m, j->userdata);
        json_decref(m);
}

static void on_progress(json_t *msg, void *userdata) {
        struct pull_job *j = userdata;
        j->progress(msg, j->userdata);
}

/* On the loop: the tag and the digest the registry knows the image by. */
static int record(struct pull_job *j, struct image_new *img, const char *manifest_digest,
                  bool *ret_existed, struct ctrd_error *err) {
        struct image_ref by_digest = j->ref;
        _cleanup_free_ char *digest_ref = NULL;
        by_digest.tag = NULL;
        by_digest.digest = (char *) manifest_digest;
        if (!(digest_ref = image_ref_string(&by_digest, false)))
                return ctrd_error_set(err, ENOMEM, "out of memory");
        strv_free(img->refs);
        img->refs = calloc(2, sizeof(char *));
        if (!img->refs || (!j->ref.digest && !(img->refs[0] = image_ref_string(&j->ref, false))))
                return ctrd_error_set(err, ENOMEM, "out of memory");
        img->event_action = "pull";
        int r = image_commit(j->svc, img, ret_existed, err);
        if (r >= 0)
                r = store_ref_set(j->svc->store, digest_ref, img->id, true, err);
        return r;
}

static void finish_messages(struct pull_job *j, const char *manifest_digest, bool up_to_date) {
        _cleanup_free_ char *digest = NULL, *status = NULL, *full = image_ref_string(&j->ref, false);
        _cleanup_free_ char *shown = full ? image_ref_familiarize(full) : NULL;
        if (asprintf(&digest, "Digest: %s", manifest_digest) >= 0)
                emit(j, json_pack("{s:s}", "status", digest));
        if (asprintf(&status, "Status: %s for %s", up_to_date ? "Image is up to date"
                     : "Downloaded newer image", shown ? shown : "") >= 0)
                emit(j, json_pack("{s:s}", "status", status));
}

/* On the loop: the worker stored the layers and the config; record the image. */
static void pull_done(int r, const struct ctrd_error *werr, json_t *result, void *userdata) {
        struct pull_job *j = userdata;
        struct image_new img = { 0 };
        struct ctrd_error err = { 0 };
        const char *digest = json_string_value(json_object_get(result, "ManifestDigest"));
        bool existed = false;
        if (r < 0)
                err = *werr;
        if (r >= 0 && !digest_is_valid(digest))
                r = ctrd_error_set(&err, EPROTO, "the image worker (pull) named no valid manifest digest");
        if (r >= 0)
                r = image_new_from_json(json_object_get(result, "Image"), &img, &err);
        if (r >= 0)
                r = record(j, &img, digest, &existed, &err);
        if (r >= 0)
                finish_messages(j, digest, existed && !json_is_true(json_object_get(result, "Fetched")));
        j->done(r, &err, j->userdata);
        image_new_clear(&img);
        job_free(j);
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

/* What the worker needs: the reference, the platform, the registry options and the credentials. */
static int request_json(struct pull_job *j, const struct image_pull_request *rq, json_t **ret,
                        struct ctrd_error *err) {
        _cleanup_free_ char *full = image_ref_string(&j->ref, false);
        json_auto_t *o = registry_job_request(rq->opts, rq->creds);
        if (!full || !o || json_object_set_new(o, "Ref", json_string(full)) < 0 ||
            json_object_set_new(o, "Platform", rq->platform ? json_string(rq->platform) : json_null()) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        *ret = TAKE_PTR(o);
        return 0;
}

int image_pull_start(struct image_service *svc, const struct image_pull_request *rq,
                     image_pull_progress_fn progress, image_pull_done_fn done, void *userdata,
                     struct ctrd_error *err) {
        struct registry_platform platform;
        json_auto_t *request = NULL;
        struct pull_job *j = calloc(1, sizeof(*j));
        if (!j)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        *j = (struct pull_job) { .svc = svc, .progress = progress, .done = done, .userdata = userdata };
        /* Bad input fails here, before any worker starts. */
        int r = parse_ref(rq, &j->ref, err);
        if (r >= 0)
                r = registry_platform_parse(rq->platform, &platform, err);
        if (r >= 0)
                r = request_json(j, rq, &request, err);
        if (r >= 0) {
                struct image_worker_job job = {
                        .verb = "pull", .request = request, .data_fd = -1,
                        .progress = on_progress, .done = pull_done, .userdata = j,
                };
                r = image_service_run_worker(svc, &job, err);
        }
        if (r < 0)
                job_free(j);
        return r;
}
