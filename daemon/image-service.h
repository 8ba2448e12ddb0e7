/*
 * The image service: images, their tags and their layers, on the loop
 * thread. Records live in SQLite (store/images.h), layer trees under
 * DATA/layers (layer-store.h), config blobs under DATA/image/configs/<hex>.
 * Work that needs libarchive or libcurl (import, load, save, pull, push)
 * runs in the image worker process (image-worker.h); deleting trees runs
 * on the uv threadpool.
 *
 * Names resolve as Docker resolves them: a full or "sha256:"-prefixed ID, a
 * unique ID prefix, or a reference ("bb" = docker.io/library/bb:latest,
 * "bb@sha256:...").
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "daemon/image-new.h"
#include "daemon/image-worker.h"
#include "daemon/layer-store.h"
#include "error.h"
#include "store/images.h"

struct store;
struct graphdriver;

/*
 * Asks the container manager whether a container uses image_id; fills
 * ret_container (heap) with its ID when so. Without one, the containers
 * table is asked how many containers use the image.
 */
typedef bool (*image_in_use_fn)(void *userdata, const char *image_id, char **ret_container);

/* Tells the engine's event log of an image event (tag, untag, delete, import, load, pull). */
typedef void (*image_event_fn)(void *userdata, const char *action, const char *image_id,
                               const char *name);

struct image_service {
        uv_loop_t *loop;
        struct store *store;
        struct layer_store *layers;
        const struct graphdriver *driver;
        char *data_root;
        const char *worker_path;        /* ctrd-image-worker (the engine's) */
        char *configs_dir;              /* DATA/image/configs */
        char *tmp_dir;                  /* DATA/image/tmp: uploads and work in progress */
        image_in_use_fn in_use;
        void *in_use_data;
        image_event_fn event;           /* NULL: no events */
        void *event_data;
};

/* driver: "overlay", "copy", or NULL to pick overlay when this kernel and file system allow it. */
int image_service_open(uv_loop_t *loop, struct store *store, const char *data_root,
                       const char *driver, struct image_service **ret, struct ctrd_error *err);
void image_service_free(struct image_service *svc);

int image_resolve(struct image_service *svc, const char *name, struct store_image *ret,
                  struct ctrd_error *err);

/* Everything inspect and list show about one image. */
struct image_info {
        struct store_image rec;
        char **tags;            /* full references, sorted */
        char **digests;
        json_t *config;         /* the parsed config blob */
};
int image_info_load(struct image_service *svc, const struct store_image *rec,
                    struct image_info *ret, struct ctrd_error *err);
void image_info_clear(struct image_info *info);

/* Runs a job in the image worker (image-worker.h) on this service's data root. */
int image_service_run_worker(struct image_service *svc, const struct image_worker_job *job,
                             struct ctrd_error *err);

/* The config file of an image: DATA/image/configs/<hex>. */
char *image_config_path(struct image_service *svc, const char *image_id);

/* The chainIDs of the image's layers, bottom first (NULL-terminated). */
int image_layer_chain(struct image_service *svc, const char *image_id, char ***ret,
                      struct ctrd_error *err);

/*
 * Lists images; pattern (NULL: all) is Docker's "reference" filter, a glob
 * on the familiar name or name:tag; dangling < 0 ignores the filter.
 */
int image_list(struct image_service *svc, const char *pattern, int dangling,
               struct image_info **ret, size_t *ret_n, struct ctrd_error *err);

int image_tag(struct image_service *svc, const char *name, const char *repo, const char *tag,
              struct ctrd_error *err);

/* Docker's rmi: *ret_report is [{"Untagged": ...}, {"Deleted": ...}]. */
int image_remove(struct image_service *svc, const char *name, bool force,
                 json_t **ret_report, struct ctrd_error *err);

/* Removes unused images (all_unused false: only untagged ones): {"ImagesDeleted", "SpaceReclaimed"}. */
int image_prune(struct image_service *svc, bool all_unused, json_t **ret_report,
                struct ctrd_error *err);

/* Emits an image event through svc->event (loop thread only); name may be NULL. */
void image_event(struct image_service *svc, const char *action, const char *id, const char *name);

/*
 * Records img (its layers, the image, its references) in one transaction.
 * Fails with -EAGAIN if a layer vanished meanwhile (a concurrent delete).
 */
int image_commit(struct image_service *svc, const struct image_new *img, bool *ret_existed,
                 struct ctrd_error *err);

/*
 * Inside a transaction: drops the records of layers no image uses, adds
 * {"Deleted": chainID} to report, and returns their chainIDs. After the
 * commit, image_drop_layer_dirs() takes their trees away.
 */
int image_gc_layers(struct image_service *svc, json_t *report, char ***ret_unused,
                    struct ctrd_error *err);
void image_drop_layer_dirs(struct image_service *svc, char **unused);
