#include "registry-login.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "macro.h"

struct login_job {
        uv_work_t work;
        struct registry_client *client;
        struct ctrd_error err;
        int r;
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

static void login_work(uv_work_t *w) {
        struct login_job *j = container_of(w, struct login_job, work);
        j->r = registry_ping(j->client, &j->err);
}

static void login_after(uv_work_t *w, int status) {
        struct login_job *j = container_of(w, struct login_job, work);
        if (j->r >= 0 && status < 0)
                j->r = ctrd_error_set(&j->err, -status, "the login was cancelled");
        j->done(j->r, &j->err, j->userdata);
        registry_client_free(j->client);
        free(j);
}

int registry_login_start(uv_loop_t *loop, const struct registry_options *opts, const char *server,
                         const struct registry_creds *creds, registry_login_done_fn done,
                         void *userdata, struct ctrd_error *err) {
        _cleanup_free_ char *host = registry_login_host(server);
        struct login_job *j = calloc(1, sizeof(*j));
        if (!j || !host) {
                free(j);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        if (!*host) {
                free(j);
                return ctrd_error_set(err, EINVAL, "invalid registry address '%s'", server);
        }
        *j = (struct login_job) { .done = done, .userdata = userdata };
        int r = registry_client_new(opts, host, "", creds, &j->client, err);
        if (r >= 0 && (r = uv_queue_work(loop, &j->work, login_work, login_after)) < 0)
                ctrd_error_set(err, -r, "queueing the login");
        if (r < 0) {
                registry_client_free(j->client);
                free(j);
        }
        return r;
}
