#include "image-push.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "daemon/image-ref.h"
#include "daemon/registry-job.h"
#include "store/images.h"

struct push_job {
        struct image_service *svc;
        struct image_ref ref;
        char image_id[DIGEST_STR_LEN + 1];
        image_pull_progress_fn progress;
        image_pull_done_fn done;
        void *userdata;
};

static void job_free(struct push_job *j) {
        image_ref_clear(&j->ref);
        free(j);
}

static void emit(struct push_job *j, json_t *m) {
        if (m)
                j->progress(m, j->userdata);
        json_decref(m);
}

static void on_progress(json_t *msg, void *userdata) {
        struct push_job *j = userdata;
        j->progress(msg, j->userdata);
}

static void finish_messages(struct push_job *j, const char *digest, json_int_t size) {
        _cleanup_free_ char *line = NULL;
        if (asprintf(&line, "%s: digest: %s size: %zu", j->ref.tag, digest, (size_t) size) >= 0)
                emit(j, json_pack("{s:s}", "status", line));
        emit(j, json_pack("{s:{}, s:{s:s, s:s, s:I}}", "progressDetail", "aux", "Tag", j->ref.tag,
                          "Digest", digest, "Size", size));
}

/* The pushed manifest names the image in this repository from now on (a RepoDigest). */
static int record_digest(struct push_job *j, const char *digest, struct ctrd_error *err) {
        struct image_ref by_digest = j->ref;
        by_digest.tag = NULL;
        by_digest.digest = (char *) digest;
        _cleanup_free_ char *ref = image_ref_string(&by_digest, false);
        if (!ref)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        return store_ref_set(j->svc->store, ref, j->image_id, true, err);
}

/* On the loop: the worker pushed the manifest; remember its digest. */
static void push_done(int r, const struct ctrd_error *werr, json_t *result, void *userdata) {
        struct push_job *j = userdata;
        struct ctrd_error err = { 0 };
        const char *digest = json_string_value(json_object_get(result, "Digest"));
        json_t *size = json_object_get(result, "Size");
        if (r < 0)
                err = *werr;
        if (r >= 0 && (!digest_is_valid(digest) || !json_is_integer(size) || json_integer_value(size) < 0))
                r = ctrd_error_set(&err, EPROTO, "the image worker (push) named no valid manifest");
        if (r >= 0)
                r = record_digest(j, digest, &err);
        if (r >= 0)
                finish_messages(j, digest, json_integer_value(size));
        j->done(r, &err, j->userdata);
        job_free(j);
}

/* Repositories of the target registry that already name the image: blobs may be mounted from them. */
static int mount_candidates(struct push_job *j, json_t *list, struct ctrd_error *err) {
        _cleanup_strv_free_ char **tags = NULL, **digests = NULL;
        if (store_ref_list(j->svc->store, j->image_id, false, &tags, err) < 0 ||
            store_ref_list(j->svc->store, j->image_id, true, &digests, err) < 0)
                return -err->code;
        for (char **l = tags; l; l = l == tags ? digests : NULL)
                for (size_t i = 0; l[i]; i++) {
                        struct image_ref r = { 0 };
                        if (image_ref_parse(l[i], &r, NULL) >= 0 && strcmp(r.domain, j->ref.domain) == 0 &&
                            strcmp(r.path, j->ref.path) != 0 &&
                            json_array_append_new(list, json_string(r.path)) < 0) {
                                image_ref_clear(&r);
                                return ctrd_error_set(err, ENOMEM, "out of memory");
                        }
                        image_ref_clear(&r);
                }
        return 0;
}

/* On the loop: what to push, from the records, as the worker's request. */
static int plan(struct push_job *j, const struct image_push_request *rq, json_t **ret,
                struct ctrd_error *err) {
        struct store_image img;
        _cleanup_free_ char *full = NULL;
        _cleanup_strv_free_ char **chains = NULL;
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
        snprintf(j->image_id, sizeof(j->image_id), "%s", img.id);
        r = image_layer_chain(j->svc, img.id, &chains, err);
        if (r < 0)
                return r;
        json_auto_t *o = registry_job_request(rq->opts, rq->creds);
        if (!o || json_object_set_new(o, "Layers", json_array()) < 0 ||
            json_object_set_new(o, "MountFrom", json_array()) < 0 ||
            json_object_set_new(o, "Ref", json_string(full)) < 0 ||
            json_object_set_new(o, "Image", json_string(img.id)) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        json_t *layers = json_object_get(o, "Layers"), *mount_from = json_object_get(o, "MountFrom");
        for (size_t i = 0; chains[i]; i++)
                if (json_array_append_new(layers, json_string(chains[i])) < 0)
                        return ctrd_error_set(err, ENOMEM, "out of memory");
        r = mount_candidates(j, mount_from, err);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(o);
        return 0;
}

int image_push_start(struct image_service *svc, const struct image_push_request *rq,
                     image_pull_progress_fn progress, image_pull_done_fn done, void *userdata,
                     struct ctrd_error *err) {
        json_auto_t *request = NULL;
        struct push_job *j = calloc(1, sizeof(*j));
        if (!j)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        *j = (struct push_job) { .svc = svc, .progress = progress, .done = done, .userdata = userdata };
        int r = plan(j, rq, &request, err);
        if (r >= 0) {
                struct image_worker_job job = {
                        .verb = "push", .request = request, .data_fd = -1,
                        .progress = on_progress, .done = push_done, .userdata = j,
                };
                r = image_service_run_worker(svc, &job, err);
        }
        if (r < 0)
                job_free(j);
        return r;
}
