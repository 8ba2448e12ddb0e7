#include "image-import.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "daemon/image-config.h"
#include "daemon/image-ref.h"

struct import_job {
        struct image_service *svc;
        char *ref;                      /* full reference, or NULL */
        image_done_fn done;
        void *userdata;
};

static void job_free(struct import_job *j) {
        free(j->ref);
        free(j);
}

/* On the loop: the worker extracted the layer and wrote the config; record the image. */
static void import_done(int r, const struct ctrd_error *werr, json_t *result, void *userdata) {
        struct import_job *j = userdata;
        struct image_new img = { 0 };
        struct ctrd_error err = { 0 };
        if (r < 0)
                err = *werr;
        if (r >= 0)
                r = image_new_from_json(result, &img, &err);
        if (r >= 0 && j->ref) {
                strv_free(img.refs);    /* the worker names none */
                img.refs = calloc(2, sizeof(char *));
                if (!img.refs || !(img.refs[0] = strdup(j->ref)))
                        r = ctrd_error_set(&err, ENOMEM, "out of memory");
        }
        img.event_action = "import";
        if (r >= 0)
                r = image_commit(j->svc, &img, NULL, &err);
        j->done(r, &err, r >= 0 ? img.id : NULL, j->userdata);
        image_new_clear(&img);
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

static json_t *request_json(char *const *changes, const char *comment) {
        json_t *list = json_array();
        for (size_t i = 0; list && changes && changes[i]; i++)
                if (json_array_append_new(list, json_string(changes[i])) < 0)
                        json_decref(TAKE_PTR(list));
        return list ? json_pack("{s:o, s:s}", "Changes", list, "Comment",
                                comment ? comment : "Imported from -") : NULL;
}

int image_import_start(struct image_service *svc, int fd, const char *repo, const char *tag,
                       char *const *changes, const char *comment, image_done_fn done,
                       void *userdata, struct ctrd_error *err) {
        _cleanup_close_ int data = fd;
        struct import_job *j = calloc(1, sizeof(*j));
        if (!j)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        *j = (struct import_job) { .svc = svc, .done = done, .userdata = userdata };
        int r = check_changes(changes, err);
        if (r >= 0 && repo && *repo) {
                struct image_ref ref = { 0 };
                r = image_ref_parse_repo_tag(repo, tag, &ref, err);
                if (r >= 0 && !(j->ref = image_ref_string(&ref, false)))
                        r = ctrd_error_set(err, ENOMEM, "out of memory");
                image_ref_clear(&ref);
        }
        json_auto_t *request = r >= 0 ? request_json(changes, comment) : NULL;
        if (r >= 0 && !request)
                r = ctrd_error_set(err, ENOMEM, "out of memory");
        if (r >= 0) {
                struct image_worker_job job = {
                        .verb = "import", .request = request, .data_fd = data,
                        .done = import_done, .userdata = j,
                };
                r = image_service_run_worker(svc, &job, err);
        }
        if (r < 0)
                job_free(j);
        return r;
}
