/*
 * save: writes the images the daemon gathered into one tar on fd 3 (an
 * unlinked temp file of the daemon's) that dockerd (manifest.json) and OCI
 * tools such as skopeo (index.json + oci-layout) both load. Layers are
 * written as the exact tar streams their diffIDs name (kept compressed at
 * extraction), so every image keeps its ID across save and load.
 * Request: {"Images": [{"Id", "Config" (path), "Tags": [full references],
 * "Layers": [{"DiffID", "TarSize", "Path" (the kept layer.tar.zst)}]}]}.
 * Result: {"Length": bytes written}.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "cleanup.h"
#include "daemon/digest.h"
#include "daemon/image-ref.h"
#include "fs-util.h"
#include "worker.h"

#define CONFIG_MAX (8 * 1024 * 1024)

/* Strings are borrowed from the request. */
struct save_layer {
        const char *diff_id;
        const char *tar_path;           /* DATA/layers/<chain>/layer.tar.zst */
        int64_t tar_size;
};

struct save_image {
        const char *id;
        const char *config_path;
        const char **tags;              /* full references, NULL-terminated */
        struct save_layer *layers;
        size_t n_layers;
};

struct save_job {
        struct save_image *images;
        size_t n_images;
        struct ctrd_error *err;
};

static int add_entry(struct archive *a, const char *name, int64_t size, struct ctrd_error *err) {
        struct archive_entry *e = archive_entry_new();
        if (!e)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        archive_entry_set_pathname(e, name);
        archive_entry_set_filetype(e, size < 0 ? AE_IFDIR : AE_IFREG);
        archive_entry_set_perm(e, size < 0 ? 0755 : 0644);
        archive_entry_set_size(e, size < 0 ? 0 : size);
        int k = archive_write_header(a, e);
        archive_entry_free(e);
        return k == ARCHIVE_OK ? 0 : ctrd_error_set(err, EIO, "writing '%s': %s", name,
                                                    archive_error_string(a));
}

static int add_bytes(struct archive *a, const char *name, const void *data, size_t len,
                     struct ctrd_error *err) {
        int r = add_entry(a, name, (int64_t) len, err);
        if (r >= 0 && len > 0 && archive_write_data(a, data, len) != (la_ssize_t) len)
                return ctrd_error_set(err, EIO, "writing '%s': %s", name, archive_error_string(a));
        return r;
}

static int add_json(struct archive *a, const char *name, json_t *j, struct ctrd_error *err) {
        _cleanup_free_ char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
        json_decref(j);
        if (!s)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        return add_bytes(a, name, s, strlen(s), err);
}

/* Copies the kept layer stream, checking on the way that it still is what its diffID says. */
static int add_layer(struct archive *a, const struct save_layer *l, struct ctrd_error *err) {
        char name[DIGEST_HEX_LEN + 16], got[DIGEST_STR_LEN + 1];
        struct digest_ctx ctx = { 0 };
        struct archive_entry *e;
        char buf[64 * 1024];
        la_ssize_t n;
        int64_t total = 0;
        snprintf(name, sizeof(name), "blobs/sha256/%s", digest_hex(l->diff_id));
        struct archive *in = archive_read_new();
        if (!in || digest_init(&ctx) < 0) {
                archive_read_free(in);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        archive_read_support_filter_all(in);
        archive_read_support_format_raw(in);
        int r = add_entry(a, name, l->tar_size, err);
        if (r >= 0 && (archive_read_open_filename(in, l->tar_path, 64 * 1024) != ARCHIVE_OK ||
                       archive_read_next_header(in, &e) != ARCHIVE_OK))
                r = ctrd_error_set(err, EIO, "opening '%s': %s", l->tar_path, archive_error_string(in));
        while (r >= 0 && (n = archive_read_data(in, buf, sizeof(buf))) > 0) {
                digest_update(&ctx, buf, (size_t) n);
                total += n;
                if (total > l->tar_size || archive_write_data(a, buf, (size_t) n) != n)
                        r = ctrd_error_set(err, EIO, "copying layer %s", l->diff_id);
        }
        archive_read_free(in);
        if (r >= 0 && (digest_final(&ctx, got) < 0 || strcmp(got, l->diff_id) != 0 ||
                       total != l->tar_size))
                r = ctrd_error_set(err, EBADMSG, "stored layer %s is damaged", l->diff_id);
        digest_done(&ctx);
        return r;
}

static json_t *descriptor(const char *media_type, const char *digest, int64_t size) {
        return json_pack("{s:s, s:s, s:I}", "mediaType", media_type, "digest", digest,
                         "size", (json_int_t) size);
}

/* Writes config and OCI manifest blobs; appends to index.json and manifest.json. */
static int add_image(struct archive *a, const struct save_image *img, json_t *index,
                     json_t *docker, json_t *repos, struct ctrd_error *err) {
        _cleanup_free_ char *config = NULL;
        size_t clen = 0;
        char name[DIGEST_HEX_LEN + 16], mdigest[DIGEST_STR_LEN + 1];
        int r = ctrd_read_file(img->config_path, CONFIG_MAX, &config, &clen, err);
        if (r < 0)
                return r;
        snprintf(name, sizeof(name), "blobs/sha256/%s", digest_hex(img->id));
        r = add_bytes(a, name, config, clen, err);
        json_t *layers = json_array(), *paths = json_array();
        for (size_t i = 0; i < img->n_layers; i++) {
                json_array_append_new(layers, descriptor("application/vnd.oci.image.layer.v1.tar",
                                                         img->layers[i].diff_id, img->layers[i].tar_size));
                json_array_append_new(paths, json_sprintf("blobs/sha256/%s",
                                                          digest_hex(img->layers[i].diff_id)));
        }
        json_t *m = json_pack("{s:i, s:s, s:o, s:o}", "schemaVersion", 2, "mediaType",
                              "application/vnd.oci.image.manifest.v1+json", "config",
                              descriptor("application/vnd.oci.image.config.v1+json", img->id,
                                         (int64_t) clen), "layers", layers);
        _cleanup_free_ char *ms = m ? json_dumps(m, JSON_COMPACT) : NULL;
        json_decref(m);
        if (r >= 0 && (!ms || digest_buffer(ms, strlen(ms), mdigest) < 0))
                r = ctrd_error_set(err, ENOMEM, "out of memory");
        if (r >= 0) {
                snprintf(name, sizeof(name), "blobs/sha256/%s", digest_hex(mdigest));
                r = add_bytes(a, name, ms, strlen(ms), err);
        }
        json_t *tags = json_array();
        for (size_t t = 0; r >= 0 && img->tags[t]; t++) {
                _cleanup_free_ char *fam = image_ref_familiarize(img->tags[t]);
                const char *colon = strrchr(img->tags[t], ':');
                json_t *d = descriptor("application/vnd.oci.image.manifest.v1+json", mdigest,
                                       (int64_t) strlen(ms));
                json_object_set_new(d, "annotations", json_pack("{s:s, s:s}",
                                    "io.containerd.image.name", img->tags[t],
                                    "org.opencontainers.image.ref.name", colon ? colon + 1 : ""));
                json_array_append_new(index, d);
                json_array_append_new(tags, json_string(fam ? fam : img->tags[t]));
                if (fam && strrchr(fam, ':')) {
                        _cleanup_free_ char *repo = strndup(fam, (size_t) (strrchr(fam, ':') - fam));
                        json_t *o = json_object_get(repos, repo);
                        if (!o)
                                json_object_set_new(repos, repo, o = json_object());
                        json_object_set_new(o, strrchr(fam, ':') + 1,
                                            json_string(digest_hex(img->layers[img->n_layers - 1].diff_id)));
                }
        }
        if (r >= 0 && !img->tags[0])
                json_array_append_new(index, descriptor("application/vnd.oci.image.manifest.v1+json",
                                                        mdigest, (int64_t) strlen(ms)));
        char cpath[DIGEST_HEX_LEN + 16];
        snprintf(cpath, sizeof(cpath), "blobs/sha256/%s", digest_hex(img->id));
        json_array_append_new(docker, json_pack("{s:s, s:o, s:o}", "Config", cpath, "RepoTags",
                                                tags, "Layers", paths));
        return r;
}

static bool written_before(const struct save_job *j, size_t img, size_t layer) {
        const char *d = j->images[img].layers[layer].diff_id;
        for (size_t i = 0; i <= img; i++)
                for (size_t k = 0; k < (i == img ? layer : j->images[i].n_layers); k++)
                        if (strcmp(j->images[i].layers[k].diff_id, d) == 0)
                                return true;
        return false;
}

static int write_archive(struct save_job *j, struct archive *a) {
        json_t *index = json_array(), *docker = json_array(), *repos = json_object();
        int r = add_entry(a, "blobs", -1, j->err);
        if (r >= 0)
                r = add_entry(a, "blobs/sha256", -1, j->err);
        /* A layer shared by several images goes in once. */
        for (size_t i = 0; r >= 0 && i < j->n_images; i++)
                for (size_t k = 0; r >= 0 && k < j->images[i].n_layers; k++)
                        if (!written_before(j, i, k))
                                r = add_layer(a, &j->images[i].layers[k], j->err);
        for (size_t i = 0; r >= 0 && i < j->n_images; i++)
                r = add_image(a, &j->images[i], index, docker, repos, j->err);
        if (r >= 0)
                r = add_json(a, "oci-layout", json_pack("{s:s}", "imageLayoutVersion", "1.0.0"), j->err);
        if (r >= 0)
                r = add_json(a, "index.json", json_pack("{s:i, s:s, s:O}", "schemaVersion", 2,
                             "mediaType", "application/vnd.oci.image.index.v1+json", "manifests",
                             index), j->err);
        if (r >= 0)
                r = add_json(a, "manifest.json", json_incref(docker), j->err);
        if (r >= 0)
                r = add_json(a, "repositories", json_incref(repos), j->err);
        json_decref(index);
        json_decref(docker);
        json_decref(repos);
        return r;
}

/* Writes the archive at fd's offset (0, a fresh file); returns its length. */
static int save_to(struct save_job *j, int fd, uint64_t *ret_len) {
        struct archive *a = archive_write_new();
        if (!a)
                return ctrd_error_set(j->err, ENOMEM, "out of memory");
        archive_write_set_format_pax_restricted(a);
        archive_write_set_bytes_in_last_block(a, 1);
        int r = archive_write_open_fd(a, fd) == ARCHIVE_OK ? write_archive(j, a)
              : ctrd_error_set(j->err, EIO, "starting the archive");
        if (archive_write_close(a) != ARCHIVE_OK && r >= 0)
                r = ctrd_error_set(j->err, EIO, "finishing the archive");
        archive_write_free(a);
        off_t end = r >= 0 ? lseek(fd, 0, SEEK_CUR) : 0;
        if (end < 0)
                r = ctrd_error_sys(j->err, errno, "finding the archive's length");
        *ret_len = end > 0 ? (uint64_t) end : 0;
        return r;
}

static int layer_from_json(json_t *o, struct save_layer *l) {
        json_t *size = json_object_get(o, "TarSize");
        l->diff_id = json_string_value(json_object_get(o, "DiffID"));
        l->tar_path = json_string_value(json_object_get(o, "Path"));
        l->tar_size = json_integer_value(size);
        return digest_is_valid(l->diff_id) && l->tar_path && json_is_integer(size) &&
               l->tar_size >= 0 ? 0 : -EINVAL;
}

/* One image of the request; the arrays it fills are the caller's to free, even on failure. */
static int image_from_json(json_t *o, struct save_image *img) {
        json_t *tags = json_object_get(o, "Tags"), *layers = json_object_get(o, "Layers"), *v;
        size_t i;
        img->id = json_string_value(json_object_get(o, "Id"));
        img->config_path = json_string_value(json_object_get(o, "Config"));
        if (!digest_is_valid(img->id) || !img->config_path || !json_is_array(tags) ||
            !json_is_array(layers))
                return -EINVAL;
        img->tags = calloc(json_array_size(tags) + 1, sizeof(char *));
        img->layers = calloc(json_array_size(layers) + 1, sizeof(*img->layers));
        if (!img->tags || !img->layers)
                return -ENOMEM;
        json_array_foreach(tags, i, v)
                if (!(img->tags[i] = json_string_value(v)))
                        return -EINVAL;
        json_array_foreach(layers, i, v) {
                if (layer_from_json(v, &img->layers[i]) < 0)
                        return -EINVAL;
                img->n_layers++;
        }
        return 0;
}

static int read_request(json_t *request, struct save_job *j) {
        json_t *list = json_object_get(request, "Images"), *o;
        size_t i;
        if (!json_is_array(list) || json_array_size(list) == 0)
                return ctrd_error_set(j->err, EINVAL, "the save request names no images");
        j->images = calloc(json_array_size(list), sizeof(*j->images));
        if (!j->images)
                return ctrd_error_set(j->err, ENOMEM, "out of memory");
        json_array_foreach(list, i, o) {
                int r = image_from_json(o, &j->images[j->n_images++]);
                if (r < 0)
                        return ctrd_error_set(j->err, -r, "reading image %zu of the save request", i);
        }
        return 0;
}

int worker_save(struct worker_ctx *ctx, json_t *request, json_t **ret_result,
                struct ctrd_error *err) {
        struct save_job j = { .err = err };
        uint64_t len = 0;
        if (ctx->data_fd < 0)
                return ctrd_error_set(err, EBADF, "save needs the archive file on fd 3");
        int r = read_request(request, &j);
        if (r >= 0)
                r = save_to(&j, ctx->data_fd, &len);
        if (r >= 0 && !(*ret_result = json_pack("{s:I}", "Length", (json_int_t) len)))
                r = ctrd_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; i < j.n_images; i++) {
                free(j.images[i].tags);
                free(j.images[i].layers);
        }
        free(j.images);
        return r;
}
