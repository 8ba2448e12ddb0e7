/*
 * load: the archive on fd 3 (docker save's manifest.json, or an OCI image
 * layout's index.json) is unpacked with the same contained extractor as
 * layers, so a hostile one cannot write outside its temp dir under
 * DATA/image/tmp; every config and layer is checked against its digest,
 * and a layer already stored (same chainID) is not extracted again.
 * Request: {"Quiet": bool}; unless quiet, each layer extracted or found is
 * a "Loading layer" progress line. Result: {"Images": [image (image-new.h),
 * with the references the archive names]}.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "daemon/digest.h"
#include "daemon/image-config.h"
#include "daemon/image-new.h"
#include "daemon/image-ref.h"
#include "daemon/layer-extract.h"
#include "daemon/layer-fs.h"
#include "daemon/layer-unpack.h"
#include "fs-util.h"
#include "worker.h"

#define JSON_MAX (8 * 1024 * 1024)

struct load_job {
        struct worker_ctx *ctx;
        bool quiet;
        int rootfd;                     /* the unpacked archive */
        struct image_new *images;
        size_t n_images;
        struct ctrd_error *err;
};

/* One image as the archive describes it; paths are inside the archive. */
struct load_entry {
        const char *config;
        const char *config_digest;      /* OCI: the descriptor's digest; NULL for docker-save */
        json_t *layers;                 /* array of paths (docker-save) or descriptors (OCI) */
        json_t *tags;                   /* array of reference strings */
};

static int read_in_root(int rootfd, const char *path, char **ret, size_t *ret_len,
                        struct ctrd_error *err) {
        _cleanup_free_ char *proc = NULL;
        _cleanup_close_ int fd = layer_unpack_open_in_root(rootfd, path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return ctrd_error_sys(err, errno, "opening '%s' in the archive", path);
        if (asprintf(&proc, "/proc/self/fd/%d", fd) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        return ctrd_read_file(proc, JSON_MAX, ret, ret_len, err);
}

static int json_in_root(int rootfd, const char *path, json_t **ret, struct ctrd_error *err) {
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        int r = read_in_root(rootfd, path, &text, &len, err);
        if (r < 0)
                return r;
        json_error_t jerr;
        *ret = json_loadb(text, len, 0, &jerr);
        return *ret ? 0 : ctrd_error_set(err, EINVAL, "'%s' in the archive is not JSON: %s", path,
                                         jerr.text);
}

/* The layer at index i: a path, or an OCI descriptor naming a blob. */
static int open_layer(struct load_job *j, json_t *layer, const char **ret_digest, int *ret_fd) {
        char path[DIGEST_HEX_LEN + 32];
        const char *p = json_string_value(layer);
        *ret_digest = NULL;
        if (!p) {
                *ret_digest = json_string_value(json_object_get(layer, "digest"));
                if (!digest_is_valid(*ret_digest))
                        return ctrd_error_set(j->err, EINVAL, "a layer descriptor has no valid digest");
                snprintf(path, sizeof(path), "blobs/sha256/%s", digest_hex(*ret_digest));
                p = path;
        }
        *ret_fd = layer_unpack_open_in_root(j->rootfd, p, O_RDONLY | O_CLOEXEC);
        return *ret_fd < 0 ? ctrd_error_sys(j->err, errno, "opening layer '%s' in the archive", p) : 0;
}

static int load_layer(struct load_job *j, json_t *layer, const char *diff_id, const char *parent,
                      struct layer_store_result *ret) {
        char chain[DIGEST_STR_LEN + 1];
        if (digest_chain_id(parent, diff_id, chain) < 0)
                return ctrd_error_set(j->err, EINVAL, "invalid diff_id %s", diff_id);
        /* Stored already: the chainID says its content and everything below are the same. */
        if (layer_store_exists(j->ctx->layers, chain))
                return layer_store_info(j->ctx->layers, chain, ret, j->err);
        const char *blob = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r = open_layer(j, layer, &blob, &fd);
        if (r < 0)
                return r;
        r = layer_store_unpack(j->ctx->layers, fd, parent, diff_id, true, ret, j->err);
        if (r < 0)
                return ctrd_error_wrap(j->err, "layer %s", diff_id);
        if (blob && strcmp(blob, ret->blob_digest) != 0)
                return ctrd_error_set(j->err, EBADMSG, "layer blob is %s, but the manifest says %s",
                                      ret->blob_digest, blob);
        if (!j->quiet)
                worker_progress(json_pack("{s:s, s:{s:I, s:I}, s:s#}", "status", "Loading layer",
                                          "progressDetail", "current", (json_int_t) ret->tar_size,
                                          "total", (json_int_t) ret->tar_size,
                                          "id", digest_hex(diff_id), 12));
        return 0;
}

/* Keeps the tags that parse; a name we cannot parse leaves the image untagged, not unloaded. */
static int collect_refs(json_t *tags, struct image_new *img) {
        size_t n = 0, i;
        json_t *t;
        img->refs = calloc(json_array_size(tags) + 1, sizeof(char *));
        if (!img->refs)
                return -ENOMEM;
        json_array_foreach(tags, i, t) {
                struct image_ref ref = { 0 };
                if (!json_is_string(t) || image_ref_parse(json_string_value(t), &ref, NULL) < 0)
                        continue;
                if (!ref.digest && (img->refs[n] = image_ref_string(&ref, false)))
                        n++;
                image_ref_clear(&ref);
        }
        return 0;
}

static int load_config(struct load_job *j, const struct load_entry *e, struct image_new *img,
                       struct image_config *cfg) {
        _cleanup_free_ char *bytes = NULL, *dst = NULL;
        size_t len = 0;
        int r = read_in_root(j->rootfd, e->config, &bytes, &len, j->err);
        if (r < 0)
                return r;
        if (digest_buffer(bytes, len, img->id) < 0)
                return ctrd_error_set(j->err, EIO, "hashing the image config");
        if (e->config_digest && strcmp(e->config_digest, img->id) != 0)
                return ctrd_error_set(j->err, EBADMSG, "config is %s, but the manifest says %s",
                                      img->id, e->config_digest);
        r = image_config_parse(bytes, len, cfg, j->err);
        if (r < 0)
                return r;
        if (cfg->n_layers != json_array_size(e->layers))
                return ctrd_error_set(j->err, EINVAL, "the config names %zu layers, the manifest %zu",
                                      cfg->n_layers, json_array_size(e->layers));
        img->created = cfg->created;
        dst = image_config_path_in(j->ctx->configs_dir, img->id);
        return dst ? ctrd_write_file_atomic(dst, bytes, len, 0600, j->err)
                   : ctrd_error_set(j->err, ENOMEM, "out of memory");
}

static int load_one(struct load_job *j, const struct load_entry *e, struct image_new *img) {
        struct image_config cfg = { 0 };
        int r = load_config(j, e, img, &cfg);
        if (r >= 0 && !(img->layers = calloc(cfg.n_layers, sizeof(*img->layers))))
                r = ctrd_error_set(j->err, ENOMEM, "out of memory");
        for (size_t i = 0; r >= 0 && i < cfg.n_layers; i++) {
                r = load_layer(j, json_array_get(e->layers, i), cfg.diff_ids[i],
                               i ? img->layers[i - 1].chain_id : NULL, &img->layers[i]);
                img->n_layers = i + 1;
        }
        if (r >= 0 && collect_refs(e->tags, img) < 0)
                r = ctrd_error_set(j->err, ENOMEM, "out of memory");
        image_config_clear(&cfg);
        return r;
}

static int add_image(struct load_job *j, const struct load_entry *e) {
        struct image_new *n = reallocarray(j->images, j->n_images + 1, sizeof(*n));
        if (!n)
                return ctrd_error_set(j->err, ENOMEM, "out of memory");
        j->images = n;
        n[j->n_images] = (struct image_new) { 0 };
        return load_one(j, e, &n[j->n_images++]);
}

/* dockerd's manifest.json: [{"Config": path, "RepoTags": [...], "Layers": [paths]}]. */
static int load_docker(struct load_job *j, json_t *manifest) {
        size_t i;
        json_t *m;
        if (!json_is_array(manifest) || json_array_size(manifest) == 0)
                return ctrd_error_set(j->err, EINVAL, "manifest.json lists no images");
        json_array_foreach(manifest, i, m) {
                struct load_entry e = {
                        .config = json_string_value(json_object_get(m, "Config")),
                        .layers = json_object_get(m, "Layers"),
                        .tags = json_object_get(m, "RepoTags"),
                };
                if (!e.config || !json_is_array(e.layers))
                        return ctrd_error_set(j->err, EINVAL, "manifest.json entry %zu lacks "
                                              "Config or Layers", i);
                int r = add_image(j, &e);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The reference an OCI index entry carries, if any. */
static json_t *oci_tags(json_t *desc) {
        json_t *ann = json_object_get(desc, "annotations");
        const char *name = json_string_value(json_object_get(ann, "io.containerd.image.name"));
        if (!name)
                name = json_string_value(json_object_get(ann, "org.opencontainers.image.ref.name"));
        /* A bare tag ("latest", as umoci writes it) names no repository: load untagged. */
        if (!name || (!strchr(name, ':') && !strchr(name, '/')))
                return json_array();
        return json_pack("[s]", name);
}

static int load_oci_manifest(struct load_job *j, json_t *desc) {
        const char *digest = json_string_value(json_object_get(desc, "digest"));
        char path[DIGEST_HEX_LEN + 32];
        _cleanup_free_ char *bytes = NULL;
        char actual[DIGEST_STR_LEN + 1];
        size_t len = 0;
        if (!digest_is_valid(digest))
                return ctrd_error_set(j->err, EINVAL, "index.json: a manifest has no valid digest");
        snprintf(path, sizeof(path), "blobs/sha256/%s", digest_hex(digest));
        int r = read_in_root(j->rootfd, path, &bytes, &len, j->err);
        if (r < 0)
                return r;
        if (digest_buffer(bytes, len, actual) < 0 || strcmp(actual, digest) != 0)
                return ctrd_error_set(j->err, EBADMSG, "manifest %s does not match its digest", digest);
        json_auto_t *m = json_loadb(bytes, len, 0, NULL);
        json_t *config = json_object_get(m, "config");
        const char *cd = json_string_value(json_object_get(config, "digest"));
        if (!digest_is_valid(cd) || !json_is_array(json_object_get(m, "layers")))
                return ctrd_error_set(j->err, EINVAL, "manifest %s: not an image manifest", digest);
        char cpath[DIGEST_HEX_LEN + 32];
        snprintf(cpath, sizeof(cpath), "blobs/sha256/%s", digest_hex(cd));
        json_auto_t *tags = oci_tags(desc);
        struct load_entry e = { .config = cpath, .config_digest = cd,
                                .layers = json_object_get(m, "layers"), .tags = tags };
        return add_image(j, &e);
}

static int load_oci(struct load_job *j, json_t *index) {
        json_t *manifests = json_object_get(index, "manifests"), *d;
        size_t i;
        if (!json_is_array(manifests) || json_array_size(manifests) == 0)
                return ctrd_error_set(j->err, EINVAL, "index.json lists no manifests");
        json_array_foreach(manifests, i, d) {
                const char *mt = json_string_value(json_object_get(d, "mediaType"));
                if (mt && strstr(mt, "index"))
                        return ctrd_error_set(j->err, ENOTSUP, "nested image indexes (multi-platform "
                                              "images) are not supported");
                int r = load_oci_manifest(j, d);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int unpack_archive(struct load_job *j, char *tmp) {
        struct layer_extract_result res;
        if (!mkdtemp(tmp))
                return ctrd_error_sys(j->err, errno, "creating '%s'", tmp);
        j->rootfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (j->rootfd < 0)
                return ctrd_error_sys(j->err, errno, "opening '%s'", tmp);
        int r = layer_extract(j->ctx->data_fd, j->rootfd, NULL, &res, j->err);
        return r < 0 ? ctrd_error_wrap(j->err, "unpacking the archive") : 0;
}

/* Unpacks the archive into a temp dir, loads what it describes, and removes the dir. */
static int load_archive(struct load_job *j) {
        _cleanup_free_ char *tmp = NULL;
        json_auto_t *doc = NULL;
        if (asprintf(&tmp, "%s/load-XXXXXX", j->ctx->tmp_dir) < 0)
                return ctrd_error_set(j->err, ENOMEM, "out of memory");
        int r = unpack_archive(j, tmp);
        if (r >= 0 && faccessat(j->rootfd, "manifest.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
                r = json_in_root(j->rootfd, "manifest.json", &doc, j->err);
                if (r >= 0)
                        r = load_docker(j, doc);
        } else if (r >= 0) {
                r = json_in_root(j->rootfd, "index.json", &doc, j->err);
                if (r == -ENOENT)
                        r = ctrd_error_set(j->err, EINVAL, "the archive has neither manifest.json "
                                           "(docker save) nor index.json (OCI layout)");
                else if (r >= 0)
                        r = load_oci(j, doc);
        }
        j->rootfd = safe_close(j->rootfd);
        if (*tmp != '\0' && !strstr(tmp, "XXXXXX"))
                layer_fs_remove_path(tmp, NULL);
        return r;
}

static json_t *images_json(const struct load_job *j) {
        json_t *list = json_array();
        for (size_t i = 0; list && i < j->n_images; i++)
                if (json_array_append_new(list, image_new_to_json(&j->images[i])) < 0)
                        json_decref(TAKE_PTR(list));
        return list ? json_pack("{s:o}", "Images", list) : NULL;
}

int worker_load(struct worker_ctx *ctx, json_t *request, json_t **ret_result,
                struct ctrd_error *err) {
        struct load_job j = { .ctx = ctx, .quiet = json_is_true(json_object_get(request, "Quiet")),
                              .rootfd = -EBADF, .err = err };
        if (ctx->data_fd < 0)
                return ctrd_error_set(err, EBADF, "load needs the archive on fd 3");
        int r = load_archive(&j);
        if (r >= 0 && !(*ret_result = images_json(&j)))
                r = ctrd_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; i < j.n_images; i++)
                image_new_clear(&j.images[i]);
        free(j.images);
        return r;
}
