/*
 * Answering a registry's 401 (registry_authenticate): a Bearer challenge
 * gets a token from its realm (asked with the credentials as basic auth when
 * there are any), a Basic one the credentials themselves. The resulting
 * Authorization header is what every later request of the client sends.
 * Secrets are wiped when dropped and never written into an error message.
 */
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "daemon/registry-internal.h"

#define TOKEN_MAX (64 * 1024)

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
/* Appends "&scope=<escaped s>" to *url. */
static int add_scope(CURL *h, char **url, const char *s, size_t len) {
        _cleanup_free_ char *one = strndup(s, len);
        char *esc = one ? curl_easy_escape(h, one, 0) : NULL, *n = NULL;
        int r = esc && asprintf(&n, "%s&scope=%s", *url, esc) >= 0 ? 0 : -ENOMEM;
        curl_free(esc);
        if (r >= 0) {
                free(*url);
                *url = n;
        }
        return r;
}

/*
 * realm?service=...&scope=... : every scope the challenge names (space-
 * separated, one parameter each, as Docker's token spec wants), and ours when
 * pushing (a HEAD's challenge asks only for pull). A login asks for no scope:
 * its token only proves the credentials.
 */
static int token_url(struct registry_client *c, const struct registry_challenge *ch, CURL *h,
                     char **ret) {
        _cleanup_free_ char *url = NULL, *own = NULL;
        char *svc = curl_easy_escape(h, ch->service ? ch->service : "", 0);
        int r = svc && asprintf(&url, "%s%sservice=%s", ch->realm, strchr(ch->realm, '?') ? "&" : "?",
                                svc) >= 0 ? 0 : -ENOMEM;
        curl_free(svc);
        if (r >= 0 && *c->repo && asprintf(&own, "repository:%s:%s", c->repo,
                                           c->push ? "pull,push" : "pull") < 0)
                r = -ENOMEM;
        for (const char *p = ch->scope; r >= 0 && p && *p;) {
                size_t n = strcspn(p, " ");
                if (n > 0)
                        r = add_scope(h, &url, p, n);
                p += n + (p[n] == ' ');
        }
        if (r >= 0 && own && (!ch->scope || (c->push && !strstr(ch->scope, own))))
                r = add_scope(h, &url, own, strlen(own));
        if (r >= 0)
                *ret = TAKE_PTR(url);
        return r;
}

/* The bearer token for challenge ch, asked with the credentials as basic auth when we have any. */
static int fetch_token(struct registry_client *c, const struct registry_challenge *ch,
                       char **ret, struct ctrd_error *err) {
        struct exchange x = { .max = TOKEN_MAX };
        _cleanup_free_ char *url = NULL;
        int r = 0;
        if (registry_exchange_setup(&x, ch->realm, NULL) < 0 || token_url(c, ch, x.curl, &url) < 0) {
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
                registry_describe_failure(&x, why, sizeof(why));
                r = ctrd_error_set(err, cc != CURLE_OK ? ECONNABORTED : registry_status_errno(x.status),
                                   "getting a token from %s: %s", ch->realm,
                                   cc != CURLE_OK ? curl_easy_strerror(cc) : why);
                goto out;
        }
        r = token_header(&x.doc, ch->realm, ret, err);
out:
        if (x.doc.body)
                explicit_bzero(x.doc.body, x.doc.len);
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
int registry_authenticate(struct registry_client *c, const char *www, struct ctrd_error *err) {
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
