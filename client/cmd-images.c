/*
 * ctrctl's image verbs: images, import, load, save, tag, rmi, image inspect,
 * image prune. Uploads and downloads stream through libcurl here, since the
 * shared transport (http.c) buffers JSON.
 */
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/router.h"
#include "cleanup.h"
#include "human-duration.h"
#include "cmd-images.h"
#include "cmd.h"
#include "format.h"

struct sink {
        FILE *out;                      /* where a 2xx body goes; NULL: into resp */
        struct ctl_response *resp;
        CURL *curl;
};

static size_t on_data(char *data, size_t size, size_t n, void *userdata) {
        struct sink *s = userdata;
        long status = 0;
        size_t len = size * n;
        curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &status);
        if (s->out && status >= 200 && status < 300)
                return fwrite(data, 1, len, s->out) == len ? len : 0;
        char *b = realloc(s->resp->body, s->resp->len + len + 1);
        if (!b)
                return 0;
        memcpy(b + s->resp->len, data, len);
        s->resp->body = b;
        s->resp->len += len;
        b[s->resp->len] = '\0';
        return len;
}

/* method path with an optional streamed body (in) and an optional streamed answer (out). */
static int transfer(struct ctl_client *c, const char *method, const char *path, FILE *in,
                    const char *content_type, FILE *out, struct ctl_response *resp) {
        _cleanup_free_ char *url = NULL, *ct = NULL;
        struct curl_slist *headers = NULL;
        struct sink s = { .out = out, .resp = resp, .curl = c->curl };
        *resp = (struct ctl_response) { 0 };
        if (asprintf(&url, "http://ctrd/v" API_VERSION_STRING "%s", path) < 0)
                return -ENOMEM;
        curl_easy_reset(c->curl);
        curl_easy_setopt(c->curl, CURLOPT_UNIX_SOCKET_PATH, c->socket_path);
        curl_easy_setopt(c->curl, CURLOPT_URL, url);
        curl_easy_setopt(c->curl, CURLOPT_USERAGENT, "ctrctl/" PACKAGE_VERSION);
        curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &s);
        curl_easy_setopt(c->curl, CURLOPT_VERBOSE, c->debug ? 1L : 0L);
        if (in) {
                curl_easy_setopt(c->curl, CURLOPT_POST, 1L);
                curl_easy_setopt(c->curl, CURLOPT_READDATA, in);   /* curl's default reader: fread */
                headers = curl_slist_append(headers, "Transfer-Encoding: chunked");
                if (asprintf(&ct, "Content-Type: %s", content_type) >= 0)
                        headers = curl_slist_append(headers, ct);
                curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, headers);
        }
        curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
        CURLcode rc = curl_easy_perform(c->curl);
        curl_slist_free_all(headers);
        if (rc != CURLE_OK) {
                ctl_response_done(resp);
                ctl_error("request to %s failed: %s", c->host, curl_easy_strerror(rc));
                return -EIO;
        }
        curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &resp->status);
        if (!resp->body && !(resp->body = strdup("")))
                return -ENOMEM;
        return 0;
}

/* A request with no body whose JSON answer the caller wants; prints errors. */
static int call_json(struct ctl_client *c, const char *method, const char *path, json_t **ret) {
        struct ctl_response resp;
        if (ctl_request(c, method, path, NULL, &resp) < 0)
                return -EIO;
        int r = ctl_response_json(&resp, ret);
        ctl_response_done(&resp);
        return r;
}

/* "/images/<name>/<suffix>" with the name URL-encoded except its slashes. */
static char *image_path(struct ctl_client *c, const char *name, const char *suffix) {
        _cleanup_free_ char *enc = ctl_urlencode(c, name);
        char *p = NULL;
        if (!enc)
                return NULL;
        for (char *s = enc; (s = strstr(s, "%2F")); s++) {
                *s = '/';
                memmove(s + 1, s + 3, strlen(s + 3) + 1);
        }
        if (asprintf(&p, "/images/%s%s", enc, suffix) < 0)
                return NULL;
        return p;
}

static int append_query(struct ctl_client *c, char **path, const char *key, const char *value) {
        _cleanup_free_ char *enc = ctl_urlencode(c, value), *old = *path;
        if (!enc || asprintf(path, "%s%s%s=%s", old, strchr(old, '?') ? "&" : "?", key, enc) < 0) {
                *path = TAKE_PTR(old);
                return -ENOMEM;
        }
        return 0;
}

/* Prints a JSON message stream (load, import): stream text, status lines, errorDetail. */
static int print_messages(const char *body, bool status_lines) {
        int rc = 0;
        for (const char *line = body; line && *line; ) {
                const char *nl = strchr(line, '\n');
                size_t n = nl ? (size_t) (nl - line) : strlen(line);
                json_t *m = json_loadb(line, n, 0, NULL);
                const char *err = json_string_value(json_object_get(json_object_get(m, "errorDetail"),
                                                                    "message"));
                const char *text = json_string_value(json_object_get(m, "stream"));
                const char *status = json_string_value(json_object_get(m, "status"));
                if (err) {
                        fprintf(stderr, "%s\n", err);
                        rc = 1;
                } else if (text) {
                        fputs(text, stdout);
                } else if (status && status_lines) {
                        printf("%s\n", status);
                }
                json_decref(m);
                line = nl ? nl + 1 : NULL;
        }
        return rc;
}

/* One table row per tag ("<none>" for an untagged image), as docker images prints them. */
static void image_rows(struct ctl_format *f, json_t *img, bool quiet, bool all_ids_once) {
        json_t *tags = json_object_get(img, "RepoTags");
        const char *id = json_string_value(json_object_get(img, "Id"));
        char created[64], size[32], ago[48];
        ctrd_human_duration((int64_t) time(NULL) - json_integer_value(json_object_get(img, "Created")),
                           ago, sizeof(ago));
        snprintf(created, sizeof(created), "%s ago", ago);
        ctl_human_size((double) json_integer_value(json_object_get(img, "Size")), 3, size,
                       sizeof(size));
        size_t n = json_array_size(tags);
        for (size_t i = 0; i < (n ? n : 1); i++) {
                const char *t = n ? json_string_value(json_array_get(tags, i)) : "<none>:<none>";
                const char *colon = strrchr(t, ':');
                _cleanup_free_ char *repo = strndup(t, colon ? (size_t) (colon - t) : strlen(t));
                json_t *row = json_pack("{s:s, s:s, s:s#, s:s, s:s, s:s, s:s}",
                                        "Repository", repo ? repo : t, "Tag", colon ? colon + 1 : "",
                                        "ID", id + 7, (int) 12, "FullID", id,
                                        "CreatedSince", created, "Size", size, "Digest", "<none>");
                if (quiet)
                        printf("%.12s\n", id + 7);
                else
                        ctl_format_row(f, row, NULL);
                json_decref(row);
                if (quiet && all_ids_once)
                        break;
        }
}

#define IMAGES_TABLE "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"

static int list_images(struct ctl_client *c, const char *path, bool quiet, const char *format) {
        json_t *list = NULL;
        struct ctl_format f = { 0 };
        struct ctrd_error err = { 0 };
        bool json_lines = format && strcmp(format, "json") == 0;
        if (call_json(c, "GET", path, &list) < 0)
                return 1;
        if (!quiet && !json_lines && ctl_format_init(&f, format, IMAGES_TABLE, &err) < 0) {
                json_decref(list);
                ctl_error("%s", err.msg);
                return 1;
        }
        if (f.table) {
                json_t *h = json_pack("{s:s, s:s, s:s, s:s, s:s}", "Repository", "REPOSITORY",
                                      "Tag", "TAG", "ID", "IMAGE ID", "CreatedSince", "CREATED",
                                      "Size", "SIZE");
                ctl_format_row(&f, h, NULL);
                json_decref(h);
        }
        size_t i;
        json_t *img;
        json_array_foreach(list, i, img) {
                if (json_lines) {
                        _cleanup_free_ char *s = json_dumps(img, JSON_COMPACT);
                        puts(s ? s : "{}");
                } else {
                        image_rows(&f, img, quiet, true);
                }
        }
        if (!quiet && !json_lines) {
                ctl_format_flush(&f, stdout, 0);
                ctl_format_done(&f);
        }
        json_decref(list);
        return 0;
}

int ctl_cmd_images(struct ctl_client *c, int argc, char *argv[]) {
        optind = 0;     /* full getopt reset: options may follow operands, as in docker */
        static const struct option opts[] = {
                { "quiet", no_argument, NULL, 'q' }, { "all", no_argument, NULL, 'a' },
                { "format", required_argument, NULL, 'F' }, { "filter", required_argument, NULL, 'f' },
                { "help", no_argument, NULL, 'h' }, {}
        };
        bool quiet = false;
        const char *format = NULL;
        json_auto_t *filters = json_object();
        int o;
        while ((o = getopt_long(argc, argv, "qaf:h", opts, NULL)) >= 0) {
                if (o == 'q')
                        quiet = true;
                else if (o == 'F')
                        format = optarg;
                else if (o == 'f') {
                        const char *eq = strchr(optarg, '=');
                        if (!eq) {
                                ctl_error("bad format of filter (expected name=value)");
                                return 1;
                        }
                        _cleanup_free_ char *k = strndup(optarg, (size_t) (eq - optarg));
                        json_object_set_new(filters, k, json_pack("[s]", eq + 1));
                } else if (o == 'h') {
                        printf("Usage: ctrctl images [-q] [-a] [--filter k=v] [--format json|TEMPLATE] "
                               "[REPOSITORY[:TAG]]\n");
                        return 0;
                } else if (o != 'a')
                        return 1;
        }
        if (optind < argc)
                json_object_set_new(filters, "reference", json_pack("[s]", argv[optind]));
        _cleanup_free_ char *path = strdup("/images/json"), *fs = json_dumps(filters, JSON_COMPACT);
        if (!path || !fs || (json_object_size(filters) && append_query(c, &path, "filters", fs) < 0))
                return 1;
        return list_images(c, path, quiet, format);
}

static FILE *open_input(const char *name) {
        if (!name || strcmp(name, "-") == 0)
                return fdopen(dup(STDIN_FILENO), "r");
        FILE *f = fopen(name, "re");
        if (!f)
                ctl_error("opening '%s': %m", name);
        return f;
}

static int upload(struct ctl_client *c, const char *path, const char *file, const char *ct,
                  bool status_lines) {
        _cleanup_fclose_ FILE *in = open_input(file);
        struct ctl_response resp;
        if (!in || transfer(c, "POST", path, in, ct, NULL, &resp) < 0)
                return 1;
        int rc = resp.status >= 200 && resp.status < 300 ? print_messages(resp.body, status_lines)
                                                        : (ctl_print_api_error(&resp), 1);
        ctl_response_done(&resp);
        return rc;
}

int ctl_cmd_import(struct ctl_client *c, int argc, char *argv[]) {
        optind = 0;     /* full getopt reset: options may follow operands, as in docker */
        static const struct option opts[] = {
                { "change", required_argument, NULL, 'c' }, { "message", required_argument, NULL, 'm' },
                { "help", no_argument, NULL, 'h' }, {}
        };
        _cleanup_free_ char *path = strdup("/images/create?fromSrc=-");
        int o;
        while ((o = getopt_long(argc, argv, "c:m:h", opts, NULL)) >= 0) {
                if (o == 'h' || o == '?') {
                        printf("Usage: ctrctl import [-c CHANGE]... [-m MESSAGE] FILE|- "
                               "[REPOSITORY[:TAG]]\n");
                        return o == 'h' ? 0 : 1;
                }
                if (!path || append_query(c, &path, o == 'c' ? "changes" : "message", optarg) < 0)
                        return 1;
        }
        if (optind >= argc || argc - optind > 2) {
                ctl_error("\"import\" requires a file (or -) and optionally a repository");
                return 1;
        }
        if (argc - optind == 2 && append_query(c, &path, "repo", argv[optind + 1]) < 0)
                return 1;
        return upload(c, path, argv[optind], "text/plain", true);
}

int ctl_cmd_load(struct ctl_client *c, int argc, char *argv[]) {
        optind = 0;     /* full getopt reset: options may follow operands, as in docker */
        static const struct option opts[] = {
                { "input", required_argument, NULL, 'i' }, { "quiet", no_argument, NULL, 'q' },
                { "help", no_argument, NULL, 'h' }, {}
        };
        const char *input = NULL;
        bool quiet = false;
        int o;
        while ((o = getopt_long(argc, argv, "i:qh", opts, NULL)) >= 0) {
                if (o == 'i')
                        input = optarg;
                else if (o == 'q')
                        quiet = true;
                else {
                        printf("Usage: ctrctl load [-i FILE] [-q]\n");
                        return o == 'h' ? 0 : 1;
                }
        }
        if (!input && isatty(STDIN_FILENO)) {
                ctl_error("requested load from stdin, but stdin is empty (use -i FILE)");
                return 1;
        }
        /* Progress lines are for terminals; like docker, ask for quiet output otherwise. */
        return upload(c, quiet || !isatty(STDOUT_FILENO) ? "/images/load?quiet=1" : "/images/load",
                      input, "application/x-tar", false);
}

int ctl_cmd_save(struct ctl_client *c, int argc, char *argv[]) {
        optind = 0;     /* full getopt reset: options may follow operands, as in docker */
        static const struct option opts[] = {
                { "output", required_argument, NULL, 'o' }, { "help", no_argument, NULL, 'h' }, {}
        };
        const char *output = NULL;
        int o;
        while ((o = getopt_long(argc, argv, "o:h", opts, NULL)) >= 0) {
                if (o == 'o')
                        output = optarg;
                else {
                        printf("Usage: ctrctl save [-o FILE] IMAGE...\n");
                        return o == 'h' ? 0 : 1;
                }
        }
        if (optind >= argc) {
                ctl_error("\"save\" requires at least one image");
                return 1;
        }
        if (!output && isatty(STDOUT_FILENO)) {
                ctl_error("cowardly refusing to save to a terminal. Use the -o flag or redirect");
                return 1;
        }
        _cleanup_free_ char *path = strdup("/images/get");
        for (int i = optind; i < argc; i++)
                if (!path || append_query(c, &path, "names", argv[i]) < 0)
                        return 1;
        _cleanup_fclose_ FILE *out = output ? fopen(output, "we") : fdopen(dup(STDOUT_FILENO), "w");
        struct ctl_response resp;
        if (!out) {
                ctl_error("opening '%s': %m", output ? output : "stdout");
                return 1;
        }
        if (transfer(c, "GET", path, NULL, NULL, out, &resp) < 0)
                return 1;
        int rc = resp.status == 200 ? 0 : (ctl_print_api_error(&resp), 1);
        ctl_response_done(&resp);
        if (rc && output)
                unlink(output);
        return rc;
}

int ctl_cmd_tag(struct ctl_client *c, int argc, char *argv[]) {
        if (argc != 3) {
                ctl_error("\"tag\" requires exactly 2 arguments: SOURCE TARGET");
                return 1;
        }
        _cleanup_free_ char *path = image_path(c, argv[1], "/tag");
        struct ctl_response resp;
        if (!path || append_query(c, &path, "repo", argv[2]) < 0 ||
            ctl_request(c, "POST", path, NULL, &resp) < 0)
                return 1;
        int rc = resp.status == 201 ? 0 : (ctl_print_api_error(&resp), 1);
        ctl_response_done(&resp);
        return rc;
}

int ctl_cmd_rmi(struct ctl_client *c, int argc, char *argv[]) {
        optind = 0;     /* full getopt reset: options may follow operands, as in docker */
        static const struct option opts[] = {
                { "force", no_argument, NULL, 'f' }, { "no-prune", no_argument, NULL, 'P' }, {}
        };
        bool force = false;
        int o, rc = 0;
        while ((o = getopt_long(argc, argv, "f", opts, NULL)) >= 0)
                if (o == 'f')
                        force = true;
                else if (o != 'P')
                        return 1;
        if (optind >= argc) {
                ctl_error("\"rmi\" requires at least one image");
                return 1;
        }
        for (int i = optind; i < argc; i++) {
                _cleanup_free_ char *path = image_path(c, argv[i], force ? "?force=1" : "");
                json_t *report = NULL, *e;
                size_t k;
                if (!path || call_json(c, "DELETE", path, &report) < 0) {
                        rc = 1;
                        continue;
                }
                json_array_foreach(report, k, e) {
                        const char *u = json_string_value(json_object_get(e, "Untagged"));
                        const char *d = json_string_value(json_object_get(e, "Deleted"));
                        printf("%s: %s\n", u ? "Untagged" : "Deleted", u ? u : d ? d : "");
                }
                json_decref(report);
        }
        return rc;
}

int ctl_cmd_image_inspect(struct ctl_client *c, int argc, char *argv[]) {
        if (argc < 2) {
                ctl_error("\"image inspect\" requires at least one image");
                return 1;
        }
        json_t *all = json_array();
        int rc = 0;
        for (int i = 1; i < argc; i++) {
                _cleanup_free_ char *path = image_path(c, argv[i], "/json");
                json_t *one = NULL;
                if (path && call_json(c, "GET", path, &one) >= 0)
                        json_array_append_new(all, one);
                else
                        rc = 1;
        }
        _cleanup_free_ char *s = json_dumps(all, JSON_INDENT(4));
        if (s)
                puts(s);
        json_decref(all);
        return rc;
}

int ctl_cmd_image_prune(struct ctl_client *c, int argc, char *argv[]) {
        optind = 0;     /* full getopt reset: options may follow operands, as in docker */
        bool all = false;
        int o;
        while ((o = getopt(argc, argv, "af")) >= 0)
                if (o == 'a')
                        all = true;
                else if (o != 'f')
                        return 1;
        json_t *report = NULL, *e;
        size_t i;
        char size[32];
        if (call_json(c, "POST", all ? "/images/prune?filters=%7B%22dangling%22%3A%5B%22false%22%5D%7D"
                                      : "/images/prune", &report) < 0)
                return 1;
        json_array_foreach(json_object_get(report, "ImagesDeleted"), i, e) {
                const char *u = json_string_value(json_object_get(e, "Untagged"));
                const char *d = json_string_value(json_object_get(e, "Deleted"));
                printf("%s: %s\n", u ? "untagged" : "deleted", u ? u : d ? d : "");
        }
        ctl_human_size((double) json_integer_value(json_object_get(report, "SpaceReclaimed")), 4, size,
                       sizeof(size));
        printf("Total reclaimed space: %s\n", size);
        json_decref(report);
        return 0;
}
