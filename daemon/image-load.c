#include "image-load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cleanup.h"
#include "daemon/image-ref.h"

struct load_job {
        struct image_service *svc;
        struct image_new *images;
        size_t n_images;
        json_t *messages;
        struct ctrd_error err;
        image_load_done_fn done;
        void *userdata;
};

static void message(struct load_job *j, json_t *m) {
        if (m)
                json_array_append_new(j->messages, m);
}

/* A "Loading layer" line from the worker (none when quiet): kept for the client, in order. */
static void load_progress(json_t *m, void *userdata) {
        message(userdata, json_incref(m));
}

/* The worker's {"Images": [...]}, every digest checked, before anything is recorded. */
static int read_images(struct load_job *j, json_t *result) {
        json_t *list = json_object_get(result, "Images"), *o;
        size_t i;
        if (!json_is_array(list))
                return ctrd_error_set(&j->err, EPROTO, "the image worker (load) answered no images");
        j->images = calloc(json_array_size(list) + 1, sizeof(*j->images));
        if (!j->images)
                return ctrd_error_set(&j->err, ENOMEM, "out of memory");
        json_array_foreach(list, i, o) {
                int r = image_new_from_json(o, &j->images[i], &j->err);
                if (r < 0)
                        return r;
                j->n_images++;
        }
        return 0;
}

static int commit_all(struct load_job *j) {
        for (size_t i = 0; i < j->n_images; i++) {
                struct image_new *img = &j->images[i];
                img->event_action = "load";
                int r = image_commit(j->svc, img, NULL, &j->err);
                if (r < 0)
                        return r;
                for (size_t t = 0; img->refs && img->refs[t]; t++) {
                        _cleanup_free_ char *fam = image_ref_familiarize(img->refs[t]);
                        _cleanup_free_ char *line = NULL;
                        if (fam && asprintf(&line, "Loaded image: %s\n", fam) >= 0)
                                message(j, json_pack("{s:s}", "stream", line));
                }
                if (!img->refs || !img->refs[0]) {
                        _cleanup_free_ char *line = NULL;
                        if (asprintf(&line, "Loaded image ID: %s\n", img->id) >= 0)
                                message(j, json_pack("{s:s}", "stream", line));
                }
        }
        return 0;
}

static void job_free(struct load_job *j) {
        for (size_t i = 0; i < j->n_images; i++)
                image_new_clear(&j->images[i]);
        free(j->images);
        json_decref(j->messages);
        free(j);
}

/* On the loop: the worker extracted the layers and wrote the configs; record the images. */
static void load_done(int r, const struct ctrd_error *werr, json_t *result, void *userdata) {
        struct load_job *j = userdata;
        if (r < 0)
                j->err = *werr;
        if (r >= 0)
                r = read_images(j, result);
        if (r >= 0)
                r = commit_all(j);
        j->done(r, &j->err, j->messages, j->userdata);
        job_free(j);
}

int image_load_start(struct image_service *svc, int fd, bool quiet, image_load_done_fn done,
                     void *userdata, struct ctrd_error *err) {
        _cleanup_close_ int data = fd;
        json_auto_t *request = json_pack("{s:b}", "Quiet", quiet);
        struct load_job *j = calloc(1, sizeof(*j));
        if (!j || !request) {
                free(j);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        *j = (struct load_job) { .svc = svc, .messages = json_array(), .done = done,
                                 .userdata = userdata };
        struct image_worker_job job = {
                .verb = "load", .request = request, .data_fd = data,
                .progress = load_progress, .done = load_done, .userdata = j,
        };
        int r = j->messages ? image_service_run_worker(svc, &job, err)
                            : ctrd_error_set(err, ENOMEM, "out of memory");
        if (r < 0)
                job_free(j);
        return r;
}
