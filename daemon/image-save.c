#include "image-save.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "daemon/image-ref.h"

struct save_job {
        int fd;                         /* the archive the worker writes */
        image_save_done_fn done;
        void *userdata;
};

/* A file with no name in dir, so nothing is left behind whatever happens to the job or to us. */
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

static void job_free(struct save_job *j) {
        safe_close(j->fd);
        free(j);
}

/* The worker's {"Length": n}, checked against the file it wrote; rewinds the file. */
static int archive_length(int fd, json_t *result, uint64_t *ret, struct ctrd_error *err) {
        json_t *len = json_object_get(result, "Length");
        struct stat st;
        if (fstat(fd, &st) < 0)
                return ctrd_error_sys(err, errno, "examining the archive");
        if (!json_is_integer(len) || json_integer_value(len) != (json_int_t) st.st_size)
                return ctrd_error_set(err, EPROTO, "the image worker (save) reported a length "
                                      "that is not the archive's");
        if (lseek(fd, 0, SEEK_SET) < 0)
                return ctrd_error_sys(err, errno, "rewinding the archive");
        *ret = (uint64_t) st.st_size;
        return 0;
}

/* On the loop: the worker wrote the archive; the caller streams it out. */
static void save_done(int r, const struct ctrd_error *werr, json_t *result, void *userdata) {
        struct save_job *j = userdata;
        struct ctrd_error err = { 0 };
        uint64_t len = 0;
        if (r < 0)
                err = *werr;
        if (r >= 0)
                r = archive_length(j->fd, result, &len, &err);
        j->done(r, &err, r >= 0 ? TAKE_FD(j->fd) : -EBADF, len, j->userdata);
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

/* Adds tag (taken; NULL adds nothing) to the image's "Tags" unless it is there already. */
static int add_tag(json_t *img, char *tag) {
        _cleanup_free_ char *t = tag;
        json_t *tags = json_object_get(img, "Tags"), *v;
        size_t i;
        if (!t)
                return 0;
        json_array_foreach(tags, i, v)
                if (strcmp(json_string_value(v), t) == 0)
                        return 0;
        return json_array_append_new(tags, json_string(t)) < 0 ? -ENOMEM : 0;
}

/* Gathers, on the loop thread, everything the worker needs: it must not touch SQLite. */
static int prepare_layers(struct image_service *svc, json_t *img, struct ctrd_error *err) {
        const char *id = json_string_value(json_object_get(img, "Id"));
        _cleanup_strv_free_ char **chain = NULL;
        _cleanup_free_ char *config = NULL;
        json_t *layers = json_array();
        /* The image owns layers from here, even when this fails. */
        if (!layers || json_object_set_new(img, "Layers", layers) < 0 ||
            !(config = image_config_path(svc, id)) ||
            json_object_set_new(img, "Config", json_string(config)) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        int r = image_layer_chain(svc, id, &chain, err);
        for (size_t i = 0; r >= 0 && chain[i]; i++) {
                struct store_layer l;
                _cleanup_free_ char *path = NULL;
                r = store_layer_get(svc->store, chain[i], &l, err);
                if (r < 0)
                        return r;
                path = layer_store_path(svc->layers, chain[i], "layer.tar.zst");
                if (!path || json_array_append_new(layers, json_pack("{s:s, s:I, s:s}", "DiffID",
                                                   l.diff_id, "TarSize", (json_int_t) l.tar_size,
                                                   "Path", path)) < 0)
                        r = ctrd_error_set(err, ENOMEM, "out of memory");
        }
        return r;
}

/* Each image goes in once, with the tags of every name that pointed at it. */
static int prepare_name(struct image_service *svc, json_t *images, const char *name,
                        struct ctrd_error *err) {
        struct store_image rec;
        json_t *img;
        size_t i;
        int r = image_resolve(svc, name, &rec, err);
        if (r < 0)
                return r;
        json_array_foreach(images, i, img)
                if (strcmp(json_string_value(json_object_get(img, "Id")), rec.id) == 0)
                        return add_tag(img, tag_of(name, rec.id)) < 0
                               ? ctrd_error_set(err, ENOMEM, "out of memory") : 0;
        img = json_pack("{s:s, s:[]}", "Id", rec.id, "Tags");
        if (!img || json_array_append_new(images, img) < 0 || add_tag(img, tag_of(name, rec.id)) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        return prepare_layers(svc, img, err);
}

int image_save_start(struct image_service *svc, char *const *names, image_save_done_fn done,
                     void *userdata, struct ctrd_error *err) {
        if (!names || !names[0])
                return ctrd_error_set(err, EINVAL, "no image names given");
        json_auto_t *request = json_pack("{s:[]}", "Images");
        struct save_job *j = calloc(1, sizeof(*j));
        if (!j || !request) {
                free(j);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        *j = (struct save_job) { .fd = -EBADF, .done = done, .userdata = userdata };
        int r = 0;
        for (size_t i = 0; r >= 0 && names[i]; i++)
                r = prepare_name(svc, json_object_get(request, "Images"), names[i], err);
        if (r >= 0)
                r = j->fd = open_unlinked(svc->tmp_dir, err);
        if (r >= 0) {
                struct image_worker_job job = {
                        .verb = "save", .request = request, .data_fd = j->fd,
                        .done = save_done, .userdata = j,
                };
                r = image_service_run_worker(svc, &job, err);
        }
        if (r < 0)
                job_free(j);
        return r;
}
