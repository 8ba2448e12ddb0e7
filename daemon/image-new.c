#include "image-new.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

void image_new_clear(struct image_new *img) {
        free(img->layers);
        strv_free(img->refs);
        *img = (struct image_new) { 0 };
}

static json_t *layer_to_json(const struct layer_store_result *l) {
        return json_pack("{s:s, s:s, s:s, s:I, s:I, s:b}", "DiffID", l->diff_id, "ChainID",
                         l->chain_id, "Blob", l->blob_digest, "TarSize", (json_int_t) l->tar_size,
                         "Size", (json_int_t) l->size, "Existed", l->existed);
}

json_t *image_new_to_json(const struct image_new *img) {
        json_t *layers = json_array(), *refs = json_array();
        for (size_t i = 0; layers && i < img->n_layers; i++)
                if (json_array_append_new(layers, layer_to_json(&img->layers[i])) < 0)
                        json_decref(TAKE_PTR(layers));
        for (size_t i = 0; refs && img->refs && img->refs[i]; i++)
                if (json_array_append_new(refs, json_string(img->refs[i])) < 0)
                        json_decref(TAKE_PTR(refs));
        if (!layers || !refs) {
                json_decref(layers);
                json_decref(refs);
                return NULL;
        }
        return json_pack("{s:s, s:I, s:o, s:o}", "Id", img->id, "Created", (json_int_t) img->created,
                         "Layers", layers, "Refs", refs);
}

/* Copies a digest string field into dst; blob may be empty (a layer loaded from a tar). */
static int take_digest(json_t *o, const char *key, char dst[DIGEST_STR_LEN + 1], bool may_be_empty) {
        const char *s = json_string_value(json_object_get(o, key));
        if (!s || !(digest_is_valid(s) || (may_be_empty && !*s)))
                return -EINVAL;
        snprintf(dst, DIGEST_STR_LEN + 1, "%s", s);
        return 0;
}

static int layer_from_json(json_t *o, struct layer_store_result *l) {
        json_t *tar = json_object_get(o, "TarSize"), *size = json_object_get(o, "Size");
        if (take_digest(o, "DiffID", l->diff_id, false) < 0 ||
            take_digest(o, "ChainID", l->chain_id, false) < 0 ||
            take_digest(o, "Blob", l->blob_digest, true) < 0 ||
            !json_is_integer(tar) || json_integer_value(tar) < 0 ||
            !json_is_integer(size) || json_integer_value(size) < 0)
                return -EINVAL;
        l->tar_size = (uint64_t) json_integer_value(tar);
        l->size = (uint64_t) json_integer_value(size);
        l->existed = json_is_true(json_object_get(o, "Existed"));
        return 0;
}

int image_new_from_json(json_t *o, struct image_new *ret, struct ctrd_error *err) {
        struct image_new img = { 0 };
        json_t *layers = json_object_get(o, "Layers"), *refs = json_object_get(o, "Refs"), *v;
        size_t i;
        if (take_digest(o, "Id", img.id, false) < 0 || !json_is_array(layers) ||
            (refs && !json_is_array(refs)))
                return ctrd_error_set(err, EPROTO, "the image worker described an invalid image");
        img.created = json_integer_value(json_object_get(o, "Created"));
        img.layers = calloc(json_array_size(layers) + 1, sizeof(*img.layers));
        img.refs = calloc(json_array_size(refs) + 1, sizeof(char *));
        if (!img.layers || !img.refs) {
                image_new_clear(&img);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        json_array_foreach(layers, i, v) {
                if (layer_from_json(v, &img.layers[i]) < 0) {
                        image_new_clear(&img);
                        return ctrd_error_set(err, EPROTO, "the image worker described an invalid "
                                              "layer of image %s", json_string_value(json_object_get(o, "Id")));
                }
                img.n_layers++;
        }
        json_array_foreach(refs, i, v)
                if (!json_is_string(v) || !(img.refs[i] = strdup(json_string_value(v)))) {
                        image_new_clear(&img);
                        return ctrd_error_set(err, json_is_string(v) ? ENOMEM : EPROTO,
                                              "reading the image worker's references");
                }
        *ret = img;
        return 0;
}

int image_dirs(const char *data_root, char **ret_configs, char **ret_tmp) {
        char *configs = NULL, *tmp = NULL;
        if (asprintf(&configs, "%s/image/configs", data_root) < 0)
                return -ENOMEM;
        if (asprintf(&tmp, "%s/image/tmp", data_root) < 0) {
                free(configs);
                return -ENOMEM;
        }
        *ret_configs = configs;
        *ret_tmp = tmp;
        return 0;
}

char *image_config_path_in(const char *configs_dir, const char *image_id) {
        char *p = NULL;
        if (!digest_is_valid(image_id) || asprintf(&p, "%s/%s", configs_dir, digest_hex(image_id)) < 0)
                return NULL;
        return p;
}
