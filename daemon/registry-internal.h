/*
 * Shared by the registry-*.c files that talk HTTP (client and upload): the
 * client's state and one request/response exchange. Not for other modules.
 */
#pragma once

#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "daemon/registry-client.h"

struct registry_client {
        char *base;
        char *repo;
        struct registry_creds creds;
        bool push;                      /* ask tokens for pull,push */
        pthread_mutex_t lock;
        char *authorization;            /* "Authorization: ..." once a challenge was answered */
};

typedef void (*registry_upload_progress_fn)(void *userdata, uint64_t sent, uint64_t total);

/* One exchange: what goes out, what came back, and where the body goes. */
struct exchange {
        CURL *curl;
        /* request */
        const char *method;             /* NULL: GET */
        const char *content_type;
        const void *payload;            /* a body in memory, or */
        bool has_upload;                /* a body read from upload_fd */
        int upload_fd;
        uint64_t upload_len, upload_off;
        registry_upload_progress_fn upload_progress;
        /* response */
        long status;
        uint64_t resume_from;           /* bytes the sink already has */
        registry_sink_fn sink;          /* 2xx bodies; NULL: into doc */
        void *userdata;
        int sink_error;
        uint64_t delivered;
        size_t max;
        size_t payload_len;
        struct registry_doc doc;        /* the body of a document or of an error */
        char *www_authenticate;
        char *location;
};

/*
 * Sends x to base/v2/<repo>/<what> (what may also be "/v2/..." or a full URL,
 * as upload Locations are; NULL is base/v2/), answering one auth challenge.
 * Fails with -errno and the registry's words for anything but a 2xx.
 */
int registry_request(struct registry_client *c, const char *what, const char *accept,
                     struct exchange *x, struct ctrd_error *err);

/* registry-http.c: a curl handle for x (headers stay the caller's until the exchange ends). */
int registry_exchange_setup(struct exchange *x, const char *url, struct curl_slist *headers);
void registry_exchange_clear(struct exchange *x);
/* The registry's own words from an error body ({"errors": [{"code", "message"}]}), or the status. */
void registry_describe_failure(const struct exchange *x, char *buf, size_t size);
/* 404 ENOENT, 401/403 EACCES, 429 EAGAIN, else EIO. */
int registry_status_errno(long status);

/* registry-token.c: answers a 401's WWW-Authenticate; later requests carry the result. */
int registry_authenticate(struct registry_client *c, const char *www, struct ctrd_error *err);
