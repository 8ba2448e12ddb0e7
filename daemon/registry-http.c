/*
 * One HTTP exchange with a registry over a libcurl easy handle: the request
 * options, the response's status, headers (Content-Type, Docker-Content-
 * Digest, WWW-Authenticate, Location) and body (to a sink, into memory, or
 * an error page kept short), and the registry's error JSON made readable.
 */
#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cleanup.h"
#include "daemon/registry-internal.h"

#define ERROR_BODY_MAX 4096

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

int registry_exchange_setup(struct exchange *x, const char *url, struct curl_slist *headers) {
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
void registry_describe_failure(const struct exchange *x, char *buf, size_t size) {
        json_auto_t *doc = x->doc.body ? json_loads(x->doc.body, 0, NULL) : NULL;
        json_t *e0 = json_array_get(json_object_get(doc, "errors"), 0);
        const char *msg = json_string_value(json_object_get(e0, "message"));
        const char *code = json_string_value(json_object_get(e0, "code"));
        if (msg)
                snprintf(buf, size, "%s%s%s", code ? code : "", code ? ": " : "", msg);
        else
                snprintf(buf, size, "HTTP status %ld", x->status);
}

int registry_status_errno(long status) {
        return status == 404 ? ENOENT : status == 401 || status == 403 ? EACCES
             : status == 429 ? EAGAIN : EIO;
}
