/* Streaming requests over libcurl's multi interface (see stream.h). */
#include "stream.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/router.h"
#include "cleanup.h"

static size_t on_header(char *data, size_t size, size_t n, void *userdata) {
        struct ctl_stream *s = userdata;
        size_t len = size * n;
        /* The blank line ends a header block; a 1xx block is followed by the real one. */
        if (len <= 2 && (len == 0 || data[0] == '\r' || data[0] == '\n')) {
                curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &s->status);
                if (s->status >= 200)
                        s->headers_done = true;
        }
        return len;
}

static size_t on_body(char *data, size_t size, size_t n, void *userdata) {
        struct ctl_stream *s = userdata;
        size_t len = size * n;
        if (s->status == 0)
                curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &s->status);
        if (s->status >= 200 && s->status < 300) {
                int r = s->on_data ? s->on_data(s->userdata, data, len) : 0;
                if (r < 0) {
                        s->result = r;
                        return 0;       /* aborts the transfer */
                }
                return len;
        }
        char *b = realloc(s->error.body, s->error.len + len + 1);
        if (!b)
                return 0;
        memcpy(b + s->error.len, data, len);
        s->error.body = b;
        s->error.len += len;
        b[s->error.len] = '\0';
        return len;
}

int ctl_stream_open(struct ctl_client *c, struct ctl_stream *s, const char *method,
                    const char *path, json_t *body, ctl_data_fn on_data, void *userdata) {
        *s = (struct ctl_stream) { .on_data = on_data, .userdata = userdata, .host = c->host };
        _cleanup_free_ char *url = NULL;
        if (asprintf(&url, "http://ctrd/v" API_VERSION_STRING "%s", path) < 0)
                return -ENOMEM;
        CURL *curl = curl_easy_init();
        if (!curl)
                return -ENOMEM;
        s->curl = curl;
        curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, c->socket_path);
        curl_easy_setopt(curl, CURLOPT_URL, url);
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(curl, CURLOPT_USERAGENT, "ctrctl/" PACKAGE_VERSION);
        curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(curl, CURLOPT_HEADERDATA, s);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, s);
        curl_easy_setopt(curl, CURLOPT_PRIVATE, s);
        curl_easy_setopt(curl, CURLOPT_VERBOSE, c->debug ? 1L : 0L);
        if (body) {
                s->payload = json_dumps(body, JSON_COMPACT);
                if (!s->payload)
                        return -ENOMEM;
                s->headers = curl_slist_append(NULL, "Content-Type: application/json");
                curl_easy_setopt(curl, CURLOPT_HTTPHEADER, s->headers);
                curl_easy_setopt(curl, CURLOPT_POSTFIELDS, s->payload);
        } else if (strcmp(method, "POST") == 0) {
                curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
        }
        return 0;
}

void ctl_stream_close(struct ctl_stream *s) {
        if (s->curl)
                curl_easy_cleanup(s->curl);
        curl_slist_free_all(s->headers);
        free(s->payload);
        ctl_response_done(&s->error);
        *s = (struct ctl_stream) { 0 };
}

int ctl_streams_init(struct ctl_streams *m) {
        m->multi = curl_multi_init();
        return m->multi ? 0 : -ENOMEM;
}

int ctl_streams_add(struct ctl_streams *m, struct ctl_stream *s) {
        return curl_multi_add_handle(m->multi, s->curl) == CURLM_OK ? 0 : -EIO;
}

void ctl_streams_remove(struct ctl_streams *m, struct ctl_stream *s) {
        if (m->multi && s->curl)
                curl_multi_remove_handle(m->multi, s->curl);
}

void ctl_streams_done(struct ctl_streams *m) {
        if (m->multi)
                curl_multi_cleanup(m->multi);
        m->multi = NULL;
}

/* Records how a finished transfer ended. */
static void finish(struct ctl_stream *s, CURLcode rc) {
        s->done = true;
        if (s->status == 0)
                curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &s->status);
        if (rc == CURLE_OK || s->result < 0)
                return;
        if (rc == CURLE_COULDNT_CONNECT && s->status == 0)
                s->result = -ECONNREFUSED;
        else
                s->result = -EIO;
}

int ctl_streams_step(struct ctl_streams *m) {
        int running = 0;
        curl_multi_perform(m->multi, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m->multi, &left))) {
                if (msg->msg != CURLMSG_DONE)
                        continue;
                struct ctl_stream *s = NULL;
                curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **) &s);
                if (s)
                        finish(s, msg->data.result);
        }
        return running;
}

void ctl_streams_poll(struct ctl_streams *m, int timeout_ms) {
        curl_multi_poll(m->multi, NULL, 0, timeout_ms, NULL);
}

int ctl_streams_wait_headers(struct ctl_streams *m, struct ctl_stream *s) {
        /* Check after every step, before sleeping: the headers may just have come in. */
        while (ctl_streams_step(m), !s->headers_done && !s->done)
                ctl_streams_poll(m, 1000);
        return s->result;
}

int ctl_streams_wait_done(struct ctl_streams *m, struct ctl_stream *s) {
        while (ctl_streams_step(m), !s->done)
                ctl_streams_poll(m, 1000);
        return s->result;
}

int ctl_stream_print_error(const struct ctl_stream *s) {
        if (s->result == -ECONNREFUSED)
                ctl_error("cannot connect to ctrd at %s: is it running?", s->host);
        else if (s->status >= 300 && s->error.body)
                return ctl_print_api_error(&s->error);
        else if (s->status >= 300)
                fprintf(stderr, "Error response from daemon: HTTP %ld\n", s->status);
        else if (s->result == -EIO)
                ctl_error("the connection to ctrd at %s broke off", s->host);
        return -EIO;
}

int ctl_stream_run(struct ctl_stream *s) {
        struct ctl_streams m = { 0 };
        int r = ctl_streams_init(&m);
        if (r >= 0)
                r = ctl_streams_add(&m, s);
        if (r >= 0) {
                r = ctl_streams_wait_done(&m, s);
                ctl_streams_remove(&m, s);
        }
        ctl_streams_done(&m);
        if (r == -ECONNREFUSED || r == -EIO || s->status < 200 || s->status >= 300)
                return ctl_stream_print_error(s);
        return r;
}
