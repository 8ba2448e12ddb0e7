#include "registry-client.h"

#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "daemon/registry-internal.h"
#include "daemon/registry-manifest.h"
#include "log.h"

#define ERROR_BODY_MAX 4096
#define MANIFEST_MAX (4 * 1024 * 1024)
#define RESUME_TRIES 3

DEFINE_TRIVIAL_CLEANUP_FUNC(struct curl_slist *, curl_slist_free_all);

bool registry_host_is_loopback(const char *host) {
        if (strncmp(host, "localhost", 9) == 0 && (host[9] == '\0' || host[9] == ':'))
                return true;
        if (strncmp(host, "[::1]", 5) == 0 && (host[5] == '\0' || host[5] == ':'))
                return true;
        unsigned a, b, c, d;
        char rest[8] = "";
        int n = sscanf(host, "%u.%u.%u.%u%7s", &a, &b, &c, &d, rest);
        return n >= 4 && a == 127 && b < 256 && c < 256 && d < 256 && (n == 4 || rest[0] == ':');
}

static bool listed(char **list, const char *host) {
        for (size_t i = 0; list && list[i]; i++)
                if (strcmp(list[i], host) == 0)
                        return true;
        return false;
}

static char *endpoint_for(const struct registry_options *opts, const char *domain) {
        char *url = NULL;
        if (strcmp(domain, "docker.io") == 0) {
                /* A mirror serves docker.io's content only. */
                if (opts && opts->mirrors && opts->mirrors[0]) {
                        const char *m = opts->mirrors[0];
                        size_t n = strlen(m);
                        return strndup(m, n > 0 && m[n - 1] == '/' ? n - 1 : n);
                }
                return strdup("https://registry-1.docker.io");
        }
        bool plain = registry_host_is_loopback(domain) || (opts && listed(opts->insecure, domain));
        return asprintf(&url, "%s://%s", plain ? "http" : "https", domain) < 0 ? NULL : url;
}

static int copy_creds(const struct registry_creds *src, struct registry_creds *dst) {
        if (!src)
                return 0;
        if ((src->username && !(dst->username = strdup(src->username))) ||
            (src->password && !(dst->password = strdup(src->password))) ||
            (src->identity_token && !(dst->identity_token = strdup(src->identity_token))))
                return -ENOMEM;
        return 0;
}

int registry_client_new(const struct registry_options *opts, const char *domain, const char *repo,
                        const struct registry_creds *creds, struct registry_client **ret,
                        struct ctrd_error *err) {
        struct registry_client *c = calloc(1, sizeof(*c));
        if (!c)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        pthread_mutex_init(&c->lock, NULL);
        c->base = endpoint_for(opts, domain);
        c->repo = strdup(repo);
        if (!c->base || !c->repo || copy_creds(creds, &c->creds) < 0) {
                registry_client_free(c);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        *ret = c;
        return 0;
}

void registry_client_free(struct registry_client *c) {
        if (!c)
                return;
        free(c->base);
        free(c->repo);
        registry_creds_clear(&c->creds);
        if (c->authorization)
                explicit_bzero(c->authorization, strlen(c->authorization));
        free(c->authorization);
        pthread_mutex_destroy(&c->lock);
        free(c);
}

void registry_client_want_push(struct registry_client *c) {
        c->push = true;
}

const char *registry_client_base(const struct registry_client *c) {
        return c->base;
}

void registry_doc_clear(struct registry_doc *d) {
        free(d->body);
        free(d->content_type);
        free(d->digest);
        *d = (struct registry_doc) { 0 };
}

static int run(struct registry_client *c, struct exchange *x, const char *url,
               const char *accept, struct ctrd_error *err) {
        _cleanup_(curl_slist_free_allp) struct curl_slist *headers = NULL;
        _cleanup_free_ char *accept_line = NULL, *type_line = NULL;
        if ((accept && asprintf(&accept_line, "Accept: %s", accept) < 0) ||
            (x->content_type && asprintf(&type_line, "Content-Type: %s", x->content_type) < 0))
                return ctrd_error_set(err, ENOMEM, "out of memory");
        pthread_mutex_lock(&c->lock);
        if (accept_line)
                headers = curl_slist_append(headers, accept_line);
        if (type_line)
                headers = curl_slist_append(headers, type_line);
        if (c->authorization)
                headers = curl_slist_append(headers, c->authorization);
        pthread_mutex_unlock(&c->lock);
        if (registry_exchange_setup(x, url, headers) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        CURLcode cc = curl_easy_perform(x->curl);
        curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &x->status);
        if (x->sink_error < 0 && x->sink_error != -EPROTO)
                return ctrd_error_set(err, -x->sink_error, "%s: storing what arrived", url);
        if (x->sink_error == -EPROTO)
                return ctrd_error_set(err, EPROTO, "%s: the registry ignored a Range request", url);
        if (cc != CURLE_OK)
                return ctrd_error_set(err, cc == CURLE_OPERATION_TIMEDOUT ? ETIMEDOUT : ECONNABORTED,
                                      "%s: %s", url, curl_easy_strerror(cc));
        return 0;
}

static char *url_for(struct registry_client *c, const char *what) {
        char *url = NULL;
        int r = !what ? asprintf(&url, "%s/v2/", c->base)
              : strncmp(what, "http://", 7) == 0 || strncmp(what, "https://", 8) == 0 ? asprintf(&url, "%s", what)
              : what[0] == '/' ? asprintf(&url, "%s%s", c->base, what)
              : asprintf(&url, "%s/v2/%s/%s", c->base, c->repo, what);
        return r < 0 ? NULL : url;
}

int registry_request(struct registry_client *c, const char *what, const char *accept,
                     struct exchange *x, struct ctrd_error *err) {
        _cleanup_free_ char *url = url_for(c, what);
        if (!url)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        struct exchange blank = *x;
        int r = run(c, x, url, accept, err);
        if (r >= 0 && x->status == 401 && x->www_authenticate && x->delivered == 0) {
                r = registry_authenticate(c, x->www_authenticate, err);
                registry_exchange_clear(x);
                *x = blank;
                if (r >= 0)
                        r = run(c, x, url, accept, err);
        }
        if (r >= 0 && (x->status < 200 || x->status >= 300)) {
                char why[512];
                registry_describe_failure(x, why, sizeof(why));
                r = ctrd_error_set(err, registry_status_errno(x->status), "%s%s%s: %s", what ? c->repo : c->base,
                                   what ? "/" : "/v2/", what && !strstr(what, "://") ? what : "", why);
        }
        return r;
}

static int get_doc(struct registry_client *c, const char *what, const char *accept, size_t max,
                   struct registry_doc *ret, struct ctrd_error *err) {
        struct exchange x = { .max = max };
        int r = registry_request(c, what, accept, &x, err);
        if (r >= 0) {
                *ret = x.doc;
                x.doc = (struct registry_doc) { 0 };
                if (!ret->body && !(ret->body = strdup("")))
                        r = ctrd_error_set(err, ENOMEM, "out of memory");
        }
        registry_exchange_clear(&x);
        return r;
}

int registry_get_manifest(struct registry_client *c, const char *ref, struct registry_doc *ret,
                          struct ctrd_error *err) {
        _cleanup_free_ char *what = NULL;
        if (asprintf(&what, "manifests/%s", ref) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        return get_doc(c, what, REGISTRY_MANIFEST_ACCEPT, MANIFEST_MAX, ret, err);
}

int registry_get_blob(struct registry_client *c, const char *digest, size_t max,
                      struct registry_doc *ret, struct ctrd_error *err) {
        _cleanup_free_ char *what = NULL;
        if (asprintf(&what, "blobs/%s", digest) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        return get_doc(c, what, NULL, max, ret, err);
}

int registry_stream_blob(struct registry_client *c, const char *digest, registry_sink_fn sink,
                         void *userdata, uint64_t *ret_bytes, struct ctrd_error *err) {
        _cleanup_free_ char *what = NULL;
        uint64_t got = 0;
        int r = 0;
        if (asprintf(&what, "blobs/%s", digest) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        for (int attempt = 0; attempt <= RESUME_TRIES; attempt++) {
                struct exchange x = { .sink = sink, .userdata = userdata, .resume_from = got };
                ctrd_error_clear(err);
                r = registry_request(c, what, NULL, &x, err);
                got += x.delivered;
                bool progressed = x.delivered > 0;
                registry_exchange_clear(&x);
                /* Only a broken transfer that made progress is worth resuming. */
                if (r != -ECONNABORTED && r != -ETIMEDOUT)
                        break;
                if (!progressed)
                        break;
                log_info("blob %s broke off after %" PRIu64 " bytes (%s); resuming", digest, got,
                         err->msg);
        }
        *ret_bytes = got;
        return r;
}

int registry_ping(struct registry_client *c, struct ctrd_error *err) {
        struct exchange x = { .max = ERROR_BODY_MAX };
        int r = registry_request(c, NULL, NULL, &x, err);
        registry_exchange_clear(&x);
        return r;
}
