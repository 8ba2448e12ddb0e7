/*
 * A new image made by import, load or pull, ready to be recorded, and its
 * JSON form: the image worker (docs/image-worker.md) builds it, the daemon
 * records it. Also where the image files live under a data root, which
 * both sides need.
 */
#pragma once

#include <jansson.h>
#include <stdint.h>

#include "daemon/digest.h"
#include "daemon/layer-store.h"
#include "error.h"

struct image_new {
        char id[DIGEST_STR_LEN + 1];
        int64_t created;
        struct layer_store_result *layers;      /* bottom first */
        size_t n_layers;
        char **refs;                            /* full references to point at it */
        const char *event_action;               /* "import", "load" or "pull" */
};
void image_new_clear(struct image_new *img);

/* {"Id", "Created", "Layers": [{"DiffID", "ChainID", "Blob", "TarSize", "Size", "Existed"}], "Refs"} */
json_t *image_new_to_json(const struct image_new *img);

/* The reverse, checking every digest; event_action is left NULL. */
int image_new_from_json(json_t *o, struct image_new *ret, struct ctrd_error *err);

/* DATA/image/configs and DATA/image/tmp. */
int image_dirs(const char *data_root, char **ret_configs, char **ret_tmp);

/* configs_dir/<hex>; NULL for an invalid ID or on OOM. */
char *image_config_path_in(const char *configs_dir, const char *image_id);
