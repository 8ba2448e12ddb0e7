#include "registry-client.h"

#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cleanup.h"
#include "daemon/registry-internal.h"
#include "daemon/registry-manifest.h"
#include "log.h"

#define ERROR_BODY_MAX 4096
#define TOKEN_MAX (64 * 1024)
#define MANIFEST_MAX (4 * 1024 * 1024)
#define RESUME_TRIES 3

DEFINE_TRIVIAL_CLEANUP_FUNC(CURL *, curl_easy_cleanup);
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

static int doc_append(struct registry_doc *d, const char *data, size_t len, size_t max) {
        if (d->len + len > max)
                return -EFBIG;
        char *n = realloc(d->body, d->len + len + 1);
        if (!n)
                return -ENOMEM;
        memcpy(n + d->len, data, len);
        d->body = n;
        d->len += len;
        n[d->len] = '\0';
        return 0;
}

static size_t on_body(char *data, size_t size, size_t n, void *userdata) {
        struct exchange *x = userdata;
        size_t len = size * n;
        curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &x->status);
        bool ok = x->status == 200 || (x->status == 206 && x->resume_from > 0);
        if (x->status == 200 && x->resume_from > 0)
                x->sink_error = -EPROTO;        /* the range was ignored: bytes would repeat */
        else if (!ok || !x->sink)
                x->sink_error = doc_append(&x->doc, data, len, ok ? x->max : ERROR_BODY_MAX);
        else if ((x->sink_error = x->sink(x->userdata, data, len)) >= 0)
                x->delivered += len;
        if (x->sink_error == -EFBIG && !ok)
                x->sink_error = 0;      /* a long error page: keep its start */
        return x->sink_error < 0 ? 0 : len;
}

static char *header_value(const char *line, size_t len, const char *name) {
        size_t n = strlen(name);
        if (len <= n + 1 || strncasecmp(line, name, n) != 0 || line[n] != ':')
                return NULL;
        const char *v = line + n + 1;
        v += strspn(v, " \t");
        size_t vl = len - (size_t) (v - line);
        while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
                vl--;
        return strndup(v, vl);
}

static void set_header(char **slot, char *v) {
        if (v) {
                free(*slot);
                *slot = v;
        }
}

static size_t on_header(char *line, size_t size, size_t n, void *userdata) {
        struct exchange *x = userdata;
        size_t len = size * n;
        /* A new status line (after a redirect or a 100): forget the previous response's headers. */
        if (len > 5 && strncmp(line, "HTTP/", 5) == 0) {
                free(x->doc.content_type);
                free(x->doc.digest);
                free(x->www_authenticate);
                free(x->location);
                x->doc.content_type = x->doc.digest = x->www_authenticate = x->location = NULL;
                return len;
        }
        set_header(&x->location, header_value(line, len, "Location"));
        set_header(&x->doc.content_type, header_value(line, len, "Content-Type"));
        set_header(&x->doc.digest, header_value(line, len, "Docker-Content-Digest"));
        set_header(&x->www_authenticate, header_value(line, len, "WWW-Authenticate"));
        return len;
}

static size_t on_upload(char *buf, size_t size, size_t n, void *userdata) {
        struct exchange *x = userdata;
        ssize_t got = pread(x->upload_fd, buf, size * n, (off_t) x->upload_off);
        if (got < 0)
                return CURL_READFUNC_ABORT;
        x->upload_off += (uint64_t) got;
        if (x->upload_progress)
                x->upload_progress(x->userdata, x->upload_off, x->upload_len);
        return (size_t) got;
}

void registry_exchange_clear(struct exchange *x) {
        registry_doc_clear(&x->doc);
        free(x->www_authenticate);
        free(x->location);
        x->www_authenticate = x->location = NULL;
        curl_easy_cleanup(x->curl);
        x->curl = NULL;
}

static int exchange_setup(struct exchange *x, const char *url, struct curl_slist *headers) {
        x->curl = curl_easy_init();
        if (!x->curl)
                return -ENOMEM;
        CURL *h = x->curl;
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
        curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
        /* A registry that stops sending for 30 s has gone away. */
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 30L);
        curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 256L * 1024);
        curl_easy_setopt(h, CURLOPT_USERAGENT, "ctrd/" PACKAGE_VERSION);
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        if (x->method)
                curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, x->method);
        if (x->method && strcmp(x->method, "HEAD") == 0)
                curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
        if (x->payload) {
                curl_easy_setopt(h, CURLOPT_POSTFIELDS, x->payload);
                curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) x->payload_len);
        } else if (x->has_upload) {
                x->upload_off = 0;
                curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
                curl_easy_setopt(h, CURLOPT_READFUNCTION, on_upload);
                curl_easy_setopt(h, CURLOPT_READDATA, x);
                curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t) x->upload_len);
        } else if (x->method && strcmp(x->method, "POST") == 0) {
                curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
        }
        if (x->resume_from > 0) {
                char range[48];
                snprintf(range, sizeof(range), "%" PRIu64 "-", x->resume_from);
                curl_easy_setopt(h, CURLOPT_RANGE, range);
        }
        return 0;
}

/* The registry's own words from an error body ({"errors": [{"code", "message"}]}), or the status. */
static void describe_failure(const struct exchange *x, char *buf, size_t size) {
        json_auto_t *doc = x->doc.body ? json_loads(x->doc.body, 0, NULL) : NULL;
        json_t *e0 = json_array_get(json_object_get(doc, "errors"), 0);
        const char *msg = json_string_value(json_object_get(e0, "message"));
        const char *code = json_string_value(json_object_get(e0, "code"));
        if (msg)
                snprintf(buf, size, "%s%s%s", code ? code : "", code ? ": " : "", msg);
        else
                snprintf(buf, size, "HTTP status %ld", x->status);
}

static int status_errno(long status) {
        return status == 404 ? ENOENT : status == 401 || status == 403 ? EACCES
             : status == 429 ? EAGAIN : EIO;
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
        if (exchange_setup(x, url, headers) < 0)
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

/* {"token": ...} or {"access_token": ...} as an Authorization header line. */
static int token_header(const struct registry_doc *d, const char *realm, char **ret,
                        struct ctrd_error *err) {
        json_auto_t *doc = json_loads(d->body ? d->body : "", 0, NULL);
        const char *tok = json_string_value(json_object_get(doc, "token"));
        if (!tok)
                tok = json_string_value(json_object_get(doc, "access_token"));
        if (!tok)
                return ctrd_error_set(err, EPROTO, "the token server %s sent no token", realm);
        return asprintf(ret, "Authorization: Bearer %s", tok) < 0
                       ? ctrd_error_set(err, ENOMEM, "out of memory") : 0;
}

/* The bearer token for challenge ch: GET realm?service=&scope=, as basic auth when we have creds. */
static int fetch_token(struct registry_client *c, const struct registry_challenge *ch,
                       char **ret, struct ctrd_error *err) {
        struct exchange x = { .max = TOKEN_MAX };
        _cleanup_free_ char *url = NULL, *def_scope = NULL;
        char *svc = NULL, *scope = NULL;        /* curl's, freed with curl_free */
        int r = 0;
        /* Without a repository (a login), no scope: the token only proves the credentials. */
        if ((*c->repo && asprintf(&def_scope, "repository:%s:%s", c->repo,
                                  c->push ? "pull,push" : "pull") < 0) ||
            exchange_setup(&x, ch->realm, NULL) < 0 ||
            !(svc = curl_easy_escape(x.curl, ch->service ? ch->service : "", 0)) ||
            !(scope = curl_easy_escape(x.curl, ch->scope ? ch->scope : def_scope ? def_scope : "", 0)) ||
            asprintf(&url, "%s%sservice=%s%s%s", ch->realm, strchr(ch->realm, '?') ? "&" : "?",
                     svc, *scope ? "&scope=" : "", scope) < 0) {
                r = ctrd_error_set(err, ENOMEM, "out of memory");
                goto out;
        }
        curl_easy_setopt(x.curl, CURLOPT_URL, url);
        if (c->creds.username) {
                curl_easy_setopt(x.curl, CURLOPT_USERNAME, c->creds.username);
                curl_easy_setopt(x.curl, CURLOPT_PASSWORD, c->creds.password ? c->creds.password : "");
        }
        CURLcode cc = curl_easy_perform(x.curl);
        curl_easy_getinfo(x.curl, CURLINFO_RESPONSE_CODE, &x.status);
        if (cc != CURLE_OK || x.status != 200) {
                char why[256];
                describe_failure(&x, why, sizeof(why));
                r = ctrd_error_set(err, cc != CURLE_OK ? ECONNABORTED : status_errno(x.status),
                                   "getting a token from %s: %s", ch->realm,
                                   cc != CURLE_OK ? curl_easy_strerror(cc) : why);
                goto out;
        }
        r = token_header(&x.doc, ch->realm, ret, err);
out:
        if (x.doc.body)
                explicit_bzero(x.doc.body, x.doc.len);
        curl_free(svc);
        curl_free(scope);
        registry_exchange_clear(&x);
        return r;
}

static int basic_header(struct registry_client *c, char **ret, struct ctrd_error *err) {
        _cleanup_free_ char *pair = NULL, *b64 = NULL;
        if (!c->creds.username)
                return ctrd_error_set(err, EACCES, "%s: unauthorized: authentication required",
                                      c->base);
        if (asprintf(&pair, "%s:%s", c->creds.username, c->creds.password ? c->creds.password : "") < 0 ||
            !(b64 = registry_base64_encode(pair, strlen(pair))) ||
            asprintf(ret, "Authorization: Basic %s", b64) < 0) {
                if (pair)
                        explicit_bzero(pair, strlen(pair));
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        explicit_bzero(pair, strlen(pair));
        explicit_bzero(b64, strlen(b64));
        return 0;
}

/* Answers a 401's challenge: the next requests carry the new Authorization header. */
static int authenticate(struct registry_client *c, const char *www, struct ctrd_error *err) {
        struct registry_challenge ch;
        _cleanup_free_ char *line = NULL;
        if (registry_challenge_parse(www, &ch) < 0)
                return ctrd_error_set(err, EPROTO, "%s: cannot parse the registry's "
                                      "WWW-Authenticate challenge", c->base);
        int r = ch.bearer ? fetch_token(c, &ch, &line, err) : basic_header(c, &line, err);
        registry_challenge_clear(&ch);
        if (r < 0)
                return r;
        pthread_mutex_lock(&c->lock);
        if (c->authorization)
                explicit_bzero(c->authorization, strlen(c->authorization));
        free(c->authorization);
        c->authorization = TAKE_PTR(line);
        pthread_mutex_unlock(&c->lock);
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
                r = authenticate(c, x->www_authenticate, err);
                registry_exchange_clear(x);
                *x = blank;
                if (r >= 0)
                        r = run(c, x, url, accept, err);
        }
        if (r >= 0 && (x->status < 200 || x->status >= 300)) {
                char why[512];
                describe_failure(x, why, sizeof(why));
                r = ctrd_error_set(err, status_errno(x->status), "%s%s%s: %s", what ? c->repo : c->base,
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
