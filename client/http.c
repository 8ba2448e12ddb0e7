#include "http.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/router.h"
#include "cleanup.h"
#include "string-util.h"

void ctl_error(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        fputs("ctrctl: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
}

int ctl_client_init(struct ctl_client *c, const char *host, bool debug) {
        *c = (struct ctl_client) { .debug = debug };
        if (!ctrd_startswith(host, "unix://") || host[strlen("unix://")] != '/') {
                ctl_error("unsupported host '%s': use unix:///path/to/ctrd.sock", host);
                return -EINVAL;
        }
        c->host = strdup(host);
        c->socket_path = strdup(host + strlen("unix://"));
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
                return -EIO;
        c->curl = curl_easy_init();
        if (!c->host || !c->socket_path || !c->curl) {
                ctl_error("out of memory");
                return -ENOMEM;
        }
        return 0;
}

void ctl_client_done(struct ctl_client *c) {
        if (c->curl)
                curl_easy_cleanup(c->curl);
        free(c->host);
        free(c->socket_path);
        curl_global_cleanup();
        *c = (struct ctl_client) { 0 };
}

static size_t on_body(char *data, size_t size, size_t n, void *userdata) {
        struct ctl_response *r = userdata;
        size_t len = size * n;
        char *b = realloc(r->body, r->len + len + 1);
        if (!b)
                return 0;       /* makes curl fail the transfer */
        memcpy(b + r->len, data, len);
        r->body = b;
        r->len += len;
        r->body[r->len] = '\0';
        return len;
}

int ctl_request(struct ctl_client *c, const char *method, const char *path, json_t *body,
                struct ctl_response *ret) {
        *ret = (struct ctl_response) { 0 };
        CURL *curl = c->curl;
        _cleanup_free_ char *url = NULL, *payload = NULL;
        if (asprintf(&url, "http://ctrd/v" API_VERSION_STRING "%s", path) < 0)
                return -ENOMEM;
        curl_easy_reset(curl);
        curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, c->socket_path);
        curl_easy_setopt(curl, CURLOPT_URL, url);
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(curl, CURLOPT_USERAGENT, "ctrctl/" PACKAGE_VERSION);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, ret);
        curl_easy_setopt(curl, CURLOPT_VERBOSE, c->debug ? 1L : 0L);
        if (strcmp(method, "HEAD") == 0)
                curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);

        struct curl_slist *headers = NULL;
        if (body) {
                payload = json_dumps(body, JSON_COMPACT);
                if (!payload)
                        return -ENOMEM;
                headers = curl_slist_append(headers, "Content-Type: application/json");
                curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload);
        } else if (strcmp(method, "POST") == 0) {
                curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
        }
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

        CURLcode rc = curl_easy_perform(curl);
        curl_slist_free_all(headers);
        if (rc != CURLE_OK) {
                ctl_response_done(ret);
                if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_GOT_NOTHING ||
                    rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR) {
                        ctl_error("cannot connect to ctrd at %s: is it running?", c->host);
                        return -ECONNREFUSED;
                }
                ctl_error("request to %s failed: %s", c->host, curl_easy_strerror(rc));
                return -EIO;
        }
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &ret->status);
        if (!ret->body) {
                ret->body = strdup("");
                if (!ret->body)
                        return -ENOMEM;
        }
        return 0;
}

void ctl_response_done(struct ctl_response *r) {
        free(r->body);
        *r = (struct ctl_response) { 0 };
}

int ctl_print_api_error(const struct ctl_response *r) {
        json_t *j = json_loads(r->body, 0, NULL);
        const char *msg = j ? json_string_value(json_object_get(j, "message")) : NULL;
        if (msg)
                fprintf(stderr, "Error response from daemon: %s\n", msg);
        else
                fprintf(stderr, "Error response from daemon: HTTP %ld: %.200s\n", r->status, r->body);
        json_decref(j);
        return -EIO;
}

int ctl_response_json(const struct ctl_response *r, json_t **ret) {
        if (r->status < 200 || r->status >= 300)
                return ctl_print_api_error(r);
        json_error_t jerr;
        *ret = json_loads(r->body, 0, &jerr);
        if (!*ret) {
                ctl_error("the daemon sent invalid JSON: %s", jerr.text);
                return -EPROTO;
        }
        return 0;
}

char *ctl_urlencode(struct ctl_client *c, const char *s) {
        char *e = curl_easy_escape(c->curl, s, 0);
        if (!e)
                return NULL;
        char *copy = strdup(e);
        curl_free(e);
        return copy;
}
