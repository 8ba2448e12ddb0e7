/*
 * import: the tar on fd 3 becomes the one layer of a new image, whose
 * config (from "Changes" and "Comment") is written under its digest.
 * Result: the image (image-new.h), without references.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "daemon/digest.h"
#include "daemon/image-config.h"
#include "daemon/image-new.h"
#include "fs-util.h"
#include "worker.h"

int worker_import(struct worker_ctx *ctx, json_t *request, json_t **ret_result,
                  struct ctrd_error *err) {
        _cleanup_(image_new_clear) struct image_new img = { 0 };
        _cleanup_strv_free_ char **changes = NULL;
        _cleanup_free_ char *config = NULL, *path = NULL;
        const char *comment = json_string_value(json_object_get(request, "Comment"));
        struct layer_store_result layer;
        struct timespec now;
        if (ctx->data_fd < 0)
                return ctrd_error_set(err, EBADF, "import needs the archive on fd 3");
        int r = worker_strv(json_object_get(request, "Changes"), &changes);
        if (r < 0)
                return ctrd_error_set(err, -r, "reading the changes of the request");
        r = layer_store_unpack(ctx->layers, ctx->data_fd, NULL, NULL, true, &layer, err);
        if (r < 0)
                return r;
        img.layers = &layer;
        img.n_layers = 1;
        clock_gettime(CLOCK_REALTIME, &now);
        img.created = now.tv_sec;
        r = image_config_for_import(layer.diff_id, changes, comment ? comment : "Imported from -",
                                    &now, &config, err);
        if (r >= 0 && (r = digest_buffer(config, strlen(config), img.id)) < 0)
                ctrd_error_set(err, -r, "hashing the image config");
        if (r >= 0 && !(path = image_config_path_in(ctx->configs_dir, img.id)))
                r = ctrd_error_set(err, ENOMEM, "out of memory");
        if (r >= 0)
                r = ctrd_write_file_atomic(path, config, strlen(config), 0600, err);
        if (r >= 0 && !(*ret_result = image_new_to_json(&img)))
                r = ctrd_error_set(err, ENOMEM, "out of memory");
        img.layers = NULL;      /* on the stack */
        return r;
}
