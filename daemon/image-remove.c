/*
 * Changing which images exist: recording a new one (image_commit) and
 * removing them (rmi, prune), with the layers they leave unused. Records
 * change in one transaction; after it commits, layer trees lose their names
 * at once (a rename on the loop thread) and are deleted on the threadpool.
 */
#include "image-service.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "daemon/image-ref.h"
#include "daemon/layer-fs.h"
#include "log.h"
#include "store/containers.h"
#include "store/store.h"

static int record_layers(struct image_service *svc, const struct image_new *img,
                         struct ctrd_error *err) {
        for (size_t i = 0; i < img->n_layers; i++) {
                const struct layer_store_result *l = &img->layers[i];
                if (!layer_store_exists(svc->layers, l->chain_id))
                        return ctrd_error_set(err, EAGAIN, "layer %s was removed while the image "
                                              "was being stored; try again", l->chain_id);
                struct store_layer rec = { .size = (int64_t) l->size, .tar_size = (int64_t) l->tar_size };
                memcpy(rec.chain_id, l->chain_id, sizeof(l->chain_id));
                memcpy(rec.diff_id, l->diff_id, sizeof(l->diff_id));
                if (i > 0)
                        memcpy(rec.parent, img->layers[i - 1].chain_id, sizeof(l->chain_id));
                int r = store_layer_add(svc->store, &rec, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int record_image(struct image_service *svc, const struct image_new *img, bool *ret_existed,
                        struct ctrd_error *err) {
        struct store_image rec = { .created = img->created };
        if (store_image_get(svc->store, img->id, &rec, NULL) >= 0) {
                *ret_existed = true;
                return 0;
        }
        memcpy(rec.id, img->id, sizeof(img->id));
        memcpy(rec.top_layer, img->layers[img->n_layers - 1].chain_id, DIGEST_STR_LEN + 1);
        for (size_t i = 0; i < img->n_layers; i++)
                rec.size += (int64_t) img->layers[i].size;
        int r = store_image_add(svc->store, &rec, err);
        if (r >= 0)
                r = store_layer_ref_chain(svc->store, rec.top_layer, +1, err);
        *ret_existed = false;
        return r;
}

int image_commit(struct image_service *svc, const struct image_new *img, bool *ret_existed,
                 struct ctrd_error *err) {
        bool existed = false;
        if (img->n_layers == 0)
                return ctrd_error_set(err, EINVAL, "an image needs at least one layer");
        int r = store_begin(svc->store, err);
        if (r < 0)
                return r;
        r = record_layers(svc, img, err);
        if (r >= 0)
                r = record_image(svc, img, &existed, err);
        for (size_t i = 0; r >= 0 && img->refs && img->refs[i]; i++)
                r = store_ref_set(svc->store, img->refs[i], img->id, false, err);
        if (r >= 0)
                r = store_commit(svc->store, err);
        if (r < 0) {
                store_rollback(svc->store);
                return r;
        }
        if (ret_existed)
                *ret_existed = existed;
        image_event(svc, img->event_action, img->id, img->refs ? img->refs[0] : NULL);
        for (size_t i = 0; img->refs && img->refs[i]; i++)
                image_event(svc, "tag", img->id, img->refs[i]);
        return 0;
}

static void remove_work(uv_work_t *w) {
        struct ctrd_error err = { 0 };
        if (layer_fs_remove_path(w->data, &err) < 0)
                log_warning("%s, ignoring", err.msg);
}

static void remove_done(uv_work_t *w, int status) {
        free(w->data);
        free(w);
}

/* Deletes a detached layer tree off the loop; if that cannot be queued, now. */
static void remove_later(struct image_service *svc, char *grave) {
        uv_work_t *w = calloc(1, sizeof(*w));
        if (w) {
                w->data = grave;
                if (uv_queue_work(svc->loop, w, remove_work, remove_done) == 0)
                        return;
                free(w);
        }
        layer_fs_remove_path(grave, NULL);
        free(grave);
}

int image_gc_layers(struct image_service *svc, json_t *report, char ***ret_unused,
                    struct ctrd_error *err) {
        _cleanup_strv_free_ char **unused = NULL;
        int r = store_layer_list_unused(svc->store, &unused, err);
        for (size_t i = 0; r >= 0 && unused[i]; i++) {
                r = store_layer_remove(svc->store, unused[i], err);
                if (r >= 0 && report)
                        json_array_append_new(report, json_pack("{s:s}", "Deleted", unused[i]));
        }
        if (r >= 0)
                *ret_unused = TAKE_PTR(unused);
        return r;
}

void image_drop_layer_dirs(struct image_service *svc, char **unused) {
        for (size_t i = 0; unused && unused[i]; i++) {
                struct ctrd_error err = { 0 };
                char *grave = NULL;
                if (layer_store_detach(svc->layers, unused[i], &grave, &err) < 0)
                        log_warning("%s; it is removed at the next start, ignoring", err.msg);
                else
                        remove_later(svc, grave);
        }
}

static void report_untagged(struct image_service *svc, const char *id, json_t *report, const char *ref) {
        _cleanup_free_ char *fam = image_ref_familiarize(ref);
        json_array_append_new(report, json_pack("{s:s}", "Untagged", fam ? fam : ref));
        image_event(svc, "untag", id, fam ? fam : ref);
}

/* Untags every reference of the image; deletes the image unless keep_image. */
static int drop_image(struct image_service *svc, const struct store_image *img, bool keep_image,
                      json_t *report, struct ctrd_error *err) {
        _cleanup_strv_free_ char **tags = NULL, **digests = NULL;
        int r = store_ref_list(svc->store, img->id, false, &tags, err);
        if (r >= 0)
                r = store_ref_list(svc->store, img->id, true, &digests, err);
        for (size_t i = 0; r >= 0 && tags[i]; i++)
                if ((r = store_ref_remove(svc->store, tags[i], err)) >= 0)
                        report_untagged(svc, img->id, report, tags[i]);
        if (keep_image || r < 0)
                return r;
        for (size_t i = 0; digests[i]; i++)
                report_untagged(svc, img->id, report, digests[i]);
        r = store_layer_ref_chain(svc->store, img->top_layer, -1, err);
        if (r >= 0)
                r = store_image_remove(svc->store, img->id, err);
        if (r >= 0) {
                _cleanup_free_ char *cfg = image_config_path(svc, img->id);
                if (cfg && unlink(cfg) < 0 && errno != ENOENT)
                        log_warning_errno(errno, "removing '%s', ignoring", cfg);
                json_array_append_new(report, json_pack("{s:s}", "Deleted", img->id));
                image_event(svc, "delete", img->id, NULL);
        }
        return r;
}

/* Whether a container (running or not) was created from the image: it needs the layers. */
static bool in_use(struct image_service *svc, const char *id, char **ret_container) {
        int64_t n = 0;
        *ret_container = NULL;
        if (svc->in_use)
                return svc->in_use(svc->in_use_data, id, ret_container);
        if (store_container_count_by_image(svc->store, id, &n, NULL) < 0)
                return true;    /* unknown: keep the layers rather than pull them from under it */
        return n > 0;
}

/*
 * rmi by reference untags it, and deletes the image only with its last tag;
 * rmi by ID deletes the image, which needs force when several repositories
 * name it. A container using the image blocks deleting it (409) unless
 * forced, and then only the tags go.
 */
static int plan_remove(struct image_service *svc, const char *name, const struct store_image *img,
                       bool force, json_t *report, struct ctrd_error *err) {
        _cleanup_strv_free_ char **tags = NULL;
        _cleanup_free_ char *container = NULL;
        int r = store_ref_list(svc->store, img->id, false, &tags, err);
        if (r < 0)
                return r;
        size_t n_tags = 0;
        while (tags[n_tags])
                n_tags++;
        bool by_id = strncmp(name, img->id + 7, strlen(name)) == 0 ||
                     strncmp(name, img->id, strlen(name)) == 0;
        bool used = in_use(svc, img->id, &container);
        if (!by_id) {
                struct image_ref ref = { 0 };
                r = image_ref_parse(name, &ref, err);
                _cleanup_free_ char *full = r >= 0 ? image_ref_string(&ref, false) : NULL;
                image_ref_clear(&ref);
                if (r < 0)
                        return r;
                if (n_tags > 1 || (full && strchr(full, '@'))) {
                        r = store_ref_remove(svc->store, full, err);
                        if (r >= 0)
                                report_untagged(svc, img->id, report, full);
                        return r;
                }
                if (used && !force)
                        return ctrd_error_set(err, EBUSY, "conflict: unable to remove repository "
                                              "reference \"%s\" (must force) - container %.12s is "
                                              "using its referenced image %.12s", name,
                                              container ? container : "", img->id + 7);
        } else if (n_tags > 1 && !force) {
                return ctrd_error_set(err, EBUSY, "conflict: unable to delete %.12s (must be "
                                      "forced) - image is referenced in multiple repositories",
                                      img->id + 7);
        } else if (used && !force) {
                return ctrd_error_set(err, EBUSY, "conflict: unable to delete %.12s (must be "
                                      "forced) - image is being used by container %.12s",
                                      img->id + 7, container ? container : "");
        }
        return drop_image(svc, img, used, report, err);
}

int image_remove(struct image_service *svc, const char *name, bool force,
                 json_t **ret_report, struct ctrd_error *err) {
        struct store_image img;
        int r = image_resolve(svc, name, &img, err);
        if (r < 0)
                return r;
        _cleanup_strv_free_ char **unused = NULL;
        json_t *report = json_array();
        if (!report)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        r = store_begin(svc->store, err);
        if (r >= 0)
                r = plan_remove(svc, name, &img, force, report, err);
        if (r >= 0)
                r = image_gc_layers(svc, report, &unused, err);
        if (r >= 0)
                r = store_commit(svc->store, err);
        if (r < 0) {
                store_rollback(svc->store);
                json_decref(report);
                return r;
        }
        /* Right after the commit, on this loop turn: no load can record these layers between. */
        image_drop_layer_dirs(svc, unused);
        *ret_report = report;
        return 0;
}

int image_prune(struct image_service *svc, bool all_unused, json_t **ret_report,
                struct ctrd_error *err) {
        _cleanup_free_ struct store_image *recs = NULL;
        _cleanup_strv_free_ char **unused = NULL;
        size_t n = 0;
        int64_t reclaimed = 0;
        json_t *deleted = json_array();
        if (!deleted)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        int r = store_begin(svc->store, err);
        if (r >= 0)
                r = store_image_list(svc->store, &recs, &n, err);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                _cleanup_strv_free_ char **tags = NULL;
                _cleanup_free_ char *container = NULL;
                r = store_ref_list(svc->store, recs[i].id, false, &tags, err);
                if (r < 0 || (tags[0] && !all_unused) || in_use(svc, recs[i].id, &container))
                        continue;
                r = drop_image(svc, &recs[i], false, deleted, err);
                reclaimed += recs[i].size;
        }
        if (r >= 0)
                r = image_gc_layers(svc, deleted, &unused, err);
        if (r >= 0)
                r = store_commit(svc->store, err);
        if (r < 0) {
                store_rollback(svc->store);
                json_decref(deleted);
                return r;
        }
        image_drop_layer_dirs(svc, unused);
        *ret_report = json_pack("{s:o, s:I}", "ImagesDeleted", deleted, "SpaceReclaimed",
                                (json_int_t) reclaimed);
        return *ret_report ? 0 : ctrd_error_set(err, ENOMEM, "out of memory");
}
