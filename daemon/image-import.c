#include "image-import.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "daemon/digest.h"
#include "daemon/image-config.h"
#include "daemon/image-ref.h"
#include "fs-util.h"

struct import_job {
        uv_work_t work;
        struct image_service *svc;
        int fd;
        char **changes;
        char *comment;
        char *ref;                      /* full reference, or NULL */
        struct image_new img;
        struct ctrd_error err;
        int r;
        image_done_fn done;
        void *userdata;
};

static void job_free(struct import_job *j) {
        safe_close(j->fd);
        strv_free(j->changes);
        free(j->comment);
        free(j->ref);
        image_new_clear(&j->img);
        free(j);
}

/* Threadpool: extract, then write the config whose digest names the image. */
static void import_work(uv_work_t *w) {
        struct import_job *j = container_of(w, struct import_job, work);
        _cleanup_free_ char *config = NULL, *path = NULL;
        struct timespec now;
        j->img.layers = calloc(1, sizeof(*j->img.layers));
        if (!j->img.layers) {
                j->r = ctrd_error_set(&j->err, ENOMEM, "out of memory");
                return;
        }
        j->r = layer_store_unpack(j->svc->layers, j->fd, NULL, NULL, true, &j->img.layers[0],
                                  &j->err);
        if (j->r < 0)
                return;
        j->img.n_layers = 1;
        clock_gettime(CLOCK_REALTIME, &now);
        j->img.created = now.tv_sec;
        j->r = image_config_for_import(j->img.layers[0].diff_id, j->changes, j->comment, &now,
                                       &config, &j->err);
        if (j->r < 0)
                return;
        j->r = digest_buffer(config, strlen(config), j->img.id);
        if (j->r < 0) {
                ctrd_error_set(&j->err, -j->r, "hashing the image config");
                return;
        }
        path = image_config_path(j->svc, j->img.id);
        j->r = path ? ctrd_write_file_atomic(path, config, strlen(config), 0600, &j->err)
                    : ctrd_error_set(&j->err, ENOMEM, "out of memory");
}

static void import_after(uv_work_t *w, int status) {
        struct import_job *j = container_of(w, struct import_job, work);
        if (j->r >= 0 && status < 0)
                j->r = ctrd_error_set(&j->err, -status, "import was cancelled");
        if (j->r >= 0 && j->ref) {
                j->img.refs = calloc(2, sizeof(char *));
                if (!j->img.refs || !(j->img.refs[0] = strdup(j->ref)))
                        j->r = ctrd_error_set(&j->err, ENOMEM, "out of memory");
        }
        j->img.event_action = "import";
        if (j->r >= 0)
                j->r = image_commit(j->svc, &j->img, NULL, &j->err);
        j->done(j->r, &j->err, j->r >= 0 ? j->img.id : NULL, j->userdata);
        job_free(j);
}

static int check_changes(char *const *changes, struct ctrd_error *err) {
        json_t *scratch = json_object();
        int r = scratch ? 0 : ctrd_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; r >= 0 && changes && changes[i]; i++)
                r = image_config_apply_change(scratch, changes[i], err);
        json_decref(scratch);
        return r;
}

static int copy_strv(char *const *src, char ***ret) {
        size_t n = 0;
        while (src && src[n])
                n++;
        char **l = calloc(n + 1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                if (!(l[i] = strdup(src[i]))) {
                        strv_free(l);
                        return -ENOMEM;
                }
        *ret = l;
        return 0;
}

int image_import_start(struct image_service *svc, int fd, const char *repo, const char *tag,
                       char *const *changes, const char *comment, image_done_fn done,
                       void *userdata, struct ctrd_error *err) {
        struct import_job *j = calloc(1, sizeof(*j));
        if (!j) {
                safe_close(fd);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        *j = (struct import_job) { .svc = svc, .fd = fd, .done = done, .userdata = userdata };
        int r = check_changes(changes, err);
        if (r >= 0 && repo && *repo) {
                struct image_ref ref = { 0 };
                r = image_ref_parse_repo_tag(repo, tag, &ref, err);
                if (r >= 0 && !(j->ref = image_ref_string(&ref, false)))
                        r = ctrd_error_set(err, ENOMEM, "out of memory");
                image_ref_clear(&ref);
        }
        if (r >= 0 && (copy_strv(changes, &j->changes) < 0 ||
                       !(j->comment = strdup(comment ? comment : "Imported from -"))))
                r = ctrd_error_set(err, ENOMEM, "out of memory");
        if (r >= 0) {
                r = uv_queue_work(svc->loop, &j->work, import_work, import_after);
                if (r < 0)
                        ctrd_error_set(err, -r, "queueing the import");
        }
        if (r < 0)
                job_free(j);
        return r;
}
