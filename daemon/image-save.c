#include "image-save.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "cleanup.h"
#include "daemon/digest.h"
#include "daemon/image-ref.h"
#include "fs-util.h"

#define CONFIG_MAX (8 * 1024 * 1024)

struct save_layer {
        char diff_id[DIGEST_STR_LEN + 1];
        char *tar_path;                 /* DATA/layers/<chain>/layer.tar.zst */
        int64_t tar_size;
};

struct save_image {
        char id[DIGEST_STR_LEN + 1];
        char *config_path;
        char **tags;                    /* full references */
        struct save_layer *layers;
        size_t n_layers;
};

struct save_job {
        uv_work_t work;
        struct image_service *svc;
        struct save_image *images;
        size_t n_images;
        int fd;                         /* the archive being written */
        uint64_t len;
        struct ctrd_error err;
        int r;
        image_save_done_fn done;
        void *userdata;
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
        int r = add_entry(a, "blobs", -1, &j->err);
        if (r >= 0)
                r = add_entry(a, "blobs/sha256", -1, &j->err);
        /* A layer shared by several images goes in once. */
        for (size_t i = 0; r >= 0 && i < j->n_images; i++)
                for (size_t k = 0; r >= 0 && k < j->images[i].n_layers; k++)
                        if (!written_before(j, i, k))
                                r = add_layer(a, &j->images[i].layers[k], &j->err);
        for (size_t i = 0; r >= 0 && i < j->n_images; i++)
                r = add_image(a, &j->images[i], index, docker, repos, &j->err);
        if (r >= 0)
                r = add_json(a, "oci-layout", json_pack("{s:s}", "imageLayoutVersion", "1.0.0"), &j->err);
        if (r >= 0)
                r = add_json(a, "index.json", json_pack("{s:i, s:s, s:O}", "schemaVersion", 2,
                             "mediaType", "application/vnd.oci.image.index.v1+json", "manifests",
                             index), &j->err);
        if (r >= 0)
                r = add_json(a, "manifest.json", json_incref(docker), &j->err);
        if (r >= 0)
                r = add_json(a, "repositories", json_incref(repos), &j->err);
        json_decref(index);
        json_decref(docker);
        json_decref(repos);
        return r;
}

static int open_unlinked(const char *dir, struct ctrd_error *err) {
        int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
        if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR))
                return fd >= 0 ? fd : ctrd_error_sys(err, errno, "creating a temp file in '%s'", dir);
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s/save-XXXXXX", dir) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        fd = mkostemp(path, O_CLOEXEC);
        if (fd < 0)
                return ctrd_error_sys(err, errno, "creating '%s'", path);
        unlink(path);
        return fd;
}

static void save_work(uv_work_t *w) {
        struct save_job *j = container_of(w, struct save_job, work);
        struct archive *a = archive_write_new();
        if (!a) {
                j->r = ctrd_error_set(&j->err, ENOMEM, "out of memory");
                return;
        }
        j->r = j->fd = open_unlinked(j->svc->tmp_dir, &j->err);
        if (j->r >= 0) {
                archive_write_set_format_pax_restricted(a);
                archive_write_set_bytes_in_last_block(a, 1);
                j->r = archive_write_open_fd(a, j->fd) == ARCHIVE_OK ? write_archive(j, a)
                     : ctrd_error_set(&j->err, EIO, "starting the archive");
                if (archive_write_close(a) != ARCHIVE_OK && j->r >= 0)
                        j->r = ctrd_error_set(&j->err, EIO, "finishing the archive");
        }
        archive_write_free(a);
        off_t end = j->r >= 0 ? lseek(j->fd, 0, SEEK_CUR) : -1;
        if (j->r >= 0 && (end < 0 || lseek(j->fd, 0, SEEK_SET) < 0))
                j->r = ctrd_error_sys(&j->err, errno, "rewinding the archive");
        j->len = end > 0 ? (uint64_t) end : 0;
}

static void job_free(struct save_job *j) {
        for (size_t i = 0; i < j->n_images; i++) {
                for (size_t k = 0; k < j->images[i].n_layers; k++)
                        free(j->images[i].layers[k].tar_path);
                free(j->images[i].layers);
                free(j->images[i].config_path);
                strv_free(j->images[i].tags);
        }
        free(j->images);
        safe_close(j->fd);
        free(j);
}

static void save_after(uv_work_t *w, int status) {
        struct save_job *j = container_of(w, struct save_job, work);
        if (j->r >= 0 && status < 0)
                j->r = ctrd_error_set(&j->err, -status, "save was cancelled");
        j->done(j->r, &j->err, j->r >= 0 ? TAKE_FD(j->fd) : -EBADF, j->len, j->userdata);
        job_free(j);
}

/* The tag a name asks for: "bb" saves as bb:latest; an ID or a digest adds no tag. */
static char *tag_of(const char *name, const char *id) {
        struct image_ref ref = { 0 };
        size_t n = strlen(name);
        /* image_resolve tries IDs first, so a name that is an ID prefix was taken as one. */
        if (strncmp(name, id, n) == 0 || strncmp(name, digest_hex(id), n) == 0 ||
            image_ref_parse(name, &ref, NULL) < 0)
                return NULL;
        char *full = ref.digest ? NULL : image_ref_string(&ref, false);
        image_ref_clear(&ref);
        return full;
}

static int add_tag(struct save_image *img, char *tag) {
        size_t n = 0;
        if (!tag)
                return 0;
        while (img->tags && img->tags[n])
                if (strcmp(img->tags[n++], tag) == 0) {
                        free(tag);
                        return 0;
                }
        char **nl = reallocarray(img->tags, n + 2, sizeof(char *));
        if (!nl) {
                free(tag);
                return -ENOMEM;
        }
        nl[n] = tag;
        nl[n + 1] = NULL;
        img->tags = nl;
        return 0;
}

/* Gathers, on the loop thread, everything the worker needs: it must not touch SQLite. */
static int prepare_layers(struct image_service *svc, struct save_image *img, struct ctrd_error *err) {
        _cleanup_strv_free_ char **chain = NULL;
        int r = image_layer_chain(svc, img->id, &chain, err);
        if (r < 0)
                return r;
        img->config_path = image_config_path(svc, img->id);
        while (chain[img->n_layers])
                img->n_layers++;
        img->layers = calloc(img->n_layers, sizeof(*img->layers));
        img->tags = img->tags ? img->tags : calloc(1, sizeof(char *));
        if (!img->config_path || !img->layers || !img->tags)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; i < img->n_layers; i++) {
                struct store_layer l;
                r = store_layer_get(svc->store, chain[i], &l, err);
                if (r < 0)
                        return r;
                memcpy(img->layers[i].diff_id, l.diff_id, sizeof(img->layers[i].diff_id));
                img->layers[i].tar_size = l.tar_size;
                img->layers[i].tar_path = layer_store_path(svc->layers, chain[i], "layer.tar.zst");
                if (!img->layers[i].tar_path)
                        return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        return 0;
}

/* Each image goes in once, with the tags of every name that pointed at it. */
static int prepare_name(struct save_job *j, const char *name, struct ctrd_error *err) {
        struct store_image rec;
        int r = image_resolve(j->svc, name, &rec, err);
        if (r < 0)
                return r;
        for (size_t i = 0; i < j->n_images; i++)
                if (strcmp(j->images[i].id, rec.id) == 0)
                        return add_tag(&j->images[i], tag_of(name, rec.id)) < 0
                               ? ctrd_error_set(err, ENOMEM, "out of memory") : 0;
        struct save_image *img = &j->images[j->n_images++];
        memcpy(img->id, rec.id, sizeof(img->id));
        if (add_tag(img, tag_of(name, rec.id)) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        return prepare_layers(j->svc, img, err);
}

int image_save_start(struct image_service *svc, char *const *names, image_save_done_fn done,
                     void *userdata, struct ctrd_error *err) {
        size_t n = 0;
        while (names && names[n])
                n++;
        if (n == 0)
                return ctrd_error_set(err, EINVAL, "no image names given");
        struct save_job *j = calloc(1, sizeof(*j));
        if (!j || !(j->images = calloc(n, sizeof(*j->images)))) {
                free(j);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        *j = (struct save_job) { .svc = svc, .images = j->images, .fd = -EBADF, .done = done,
                                 .userdata = userdata };
        int r = 0;
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = prepare_name(j, names[i], err);
        if (r >= 0 && (r = uv_queue_work(svc->loop, &j->work, save_work, save_after)) < 0)
                ctrd_error_set(err, -r, "queueing the save");
        if (r < 0)
                job_free(j);
        return r;
}
