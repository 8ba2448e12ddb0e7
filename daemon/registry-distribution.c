#include "registry-distribution.h"

#include <errno.h>
#include <stdlib.h>

#include "cleanup.h"
#include "daemon/image-ref.h"
#include "daemon/registry-job.h"

struct distribution_job {
        registry_distribution_done_fn done;
        void *userdata;
};

static void distribution_done(int r, const struct ctrd_error *err, json_t *result, void *userdata) {
        struct distribution_job *j = userdata;
        j->done(r, err, result, j->userdata);
        free(j);
}

int registry_distribution_start(struct image_service *svc, const struct registry_options *opts,
                                const char *name, const struct registry_creds *creds,
                                registry_distribution_done_fn done, void *userdata,
                                struct ctrd_error *err) {
        struct image_ref ref = { 0 };
        int r = image_ref_parse(name, &ref, err);
        if (r < 0)
                return r;
        _cleanup_free_ char *full = image_ref_string(&ref, false);
        image_ref_clear(&ref);
        json_auto_t *request = registry_job_request(opts, creds);
        struct distribution_job *j = calloc(1, sizeof(*j));
        if (!j || !full || !request || json_object_set_new(request, "Ref", json_string(full)) < 0) {
                free(j);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        *j = (struct distribution_job) { .done = done, .userdata = userdata };
        struct image_worker_job job = {
                .verb = "distribution", .request = request, .data_fd = -1,
                .done = distribution_done, .userdata = j,
        };
        r = image_service_run_worker(svc, &job, err);
        if (r < 0)
                free(j);
        return r;
}
