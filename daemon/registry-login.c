#include "registry-login.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "daemon/registry-job.h"

struct login_job {
        registry_login_done_fn done;
        void *userdata;
};

char *registry_login_host(const char *server) {
        const char *s = server && *server ? server : "docker.io";
        if (strncmp(s, "https://", 8) == 0)
                s += 8;
        else if (strncmp(s, "http://", 7) == 0)
                s += 7;
        size_t n = strcspn(s, "/");
        if ((n == strlen("index.docker.io") && strncmp(s, "index.docker.io", n) == 0) ||
            (n == strlen("registry-1.docker.io") && strncmp(s, "registry-1.docker.io", n) == 0))
                return strdup("docker.io");
        return strndup(s, n);
}

static void login_done(int r, const struct ctrd_error *err, json_t *result, void *userdata) {
        struct login_job *j = userdata;
        (void) result;
        j->done(r, err, j->userdata);
        free(j);
}

int registry_login_start(struct image_service *svc, const struct registry_options *opts,
                         const char *server, const struct registry_creds *creds,
                         registry_login_done_fn done, void *userdata, struct ctrd_error *err) {
        _cleanup_free_ char *host = registry_login_host(server);
        if (!host)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if (!*host)
                return ctrd_error_set(err, EINVAL, "invalid registry address '%s'", server);
        json_auto_t *request = registry_job_request(opts, creds);
        struct login_job *j = calloc(1, sizeof(*j));
        if (!j || !request || json_object_set_new(request, "Host", json_string(host)) < 0) {
                free(j);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        *j = (struct login_job) { .done = done, .userdata = userdata };
        struct image_worker_job job = {
                .verb = "login", .request = request, .data_fd = -1, .done = login_done, .userdata = j,
        };
        int r = image_service_run_worker(svc, &job, err);
        if (r < 0)
                free(j);
        return r;
}
