/*
 * ctrctl pull and push. The daemon talks to the registry; the client only
 * adds credentials (X-Registry-Auth, from Docker's config.json, as the docker
 * CLI does) and draws the progress: one line per layer, redrawn in place on
 * a terminal, plain status lines otherwise.
 */
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cmd.h"
#include "docker-config.h"
#include "stream.h"

/* The progress of one pull: lines by layer id, as drawn so far. */
struct progress {
        bool tty;
        bool quiet;             /* errors only */
        char **ids;
        size_t n_ids;
        char *partial;          /* an incomplete line from the last chunk */
        size_t partial_len;
        bool failed;
};

static void bar(char *buf, size_t size, json_t *detail) {
        json_int_t cur = json_integer_value(json_object_get(detail, "current"));
        json_int_t total = json_integer_value(json_object_get(detail, "total"));
        int width = 40, fill = total > 0 ? (int) (cur * width / total) : 0;
        char b[64];
        for (int i = 0; i < width; i++)
                b[i] = i < fill ? '=' : i == fill ? '>' : ' ';
        b[width] = '\0';
        snprintf(buf, size, "[%s] %.1fMB/%.1fMB", b, (double) cur / 1e6, (double) total / 1e6);
}

/* On a terminal, a layer's line is redrawn where it was first printed. */
static void draw(struct progress *p, const char *id, const char *text) {
        size_t i = 0;
        while (i < p->n_ids && strcmp(p->ids[i], id) != 0)
                i++;
        if (i == p->n_ids) {
                char **n = reallocarray(p->ids, p->n_ids + 1, sizeof(char *));
                if (!n || !(n[p->n_ids] = strdup(id)))
                        return;
                p->ids = n;
                p->n_ids++;
                printf("%s: %s\n", id, text);
                return;
        }
        size_t up = p->n_ids - i;
        printf("\033[%zuA\r\033[2K%s: %s\033[%zuB\r", up, id, text, up);
}

static void show(struct progress *p, json_t *m) {
        const char *err = json_string_value(json_object_get(json_object_get(m, "errorDetail"), "message"));
        const char *status = json_string_value(json_object_get(m, "status"));
        const char *id = json_string_value(json_object_get(m, "id"));
        if (err) {
                fprintf(stderr, "%s\n", err);
                p->failed = true;
                return;
        }
        if (!status || p->quiet)
                return;
        /* Downloading and Pushing lines carry a byte count: a bar on a terminal, nothing otherwise. */
        bool downloading = json_integer_value(json_object_get(json_object_get(m, "progressDetail"),
                                                              "total")) > 0;
        if (!id || strncmp(status, "Pulling from", 12) == 0 || strchr(id, ':')) {
                printf(id ? "%2$s: %1$s\n" : "%s\n", status, id);
        } else if (p->tty) {
                char text[160];
                if (downloading) {
                        char b[120];
                        bar(b, sizeof(b), json_object_get(m, "progressDetail"));
                        snprintf(text, sizeof(text), "%s %s", status, b);
                } else {
                        snprintf(text, sizeof(text), "%s", status);
                }
                draw(p, id, text);
        } else if (!downloading) {
                printf("%s: %s\n", id, status);
        }
        fflush(stdout);
}

static int on_data(void *userdata, const char *data, size_t len) {
        struct progress *p = userdata;
        char *buf = realloc(p->partial, p->partial_len + len + 1);
        if (!buf)
                return -ENOMEM;
        memcpy(buf + p->partial_len, data, len);
        p->partial = buf;
        p->partial_len += len;
        buf[p->partial_len] = '\0';
        char *line = buf, *nl;
        while ((nl = strchr(line, '\n'))) {
                json_t *m = json_loadb(line, (size_t) (nl - line), 0, NULL);
                if (m)
                        show(p, m);
                json_decref(m);
                line = nl + 1;
        }
        p->partial_len = strlen(line);
        memmove(buf, line, p->partial_len + 1);
        return 0;
}

/* POSTs path with the credentials for ref's registry and shows the progress stream. */
static int transfer(struct ctl_client *c, const char *path, const char *ref, bool quiet) {
        _cleanup_free_ char *host = ctl_registry_of(ref);
        _cleanup_free_ char *auth = host ? ctl_registry_auth_header(host) : NULL;
        struct progress p = { .tty = !quiet && isatty(STDOUT_FILENO), .quiet = quiet };
        struct ctl_stream s = { 0 };
        int r = ctl_stream_open(c, &s, "POST", path, NULL, on_data, &p);
        if (r >= 0 && auth) {
                s.headers = curl_slist_append(s.headers, auth);
                curl_easy_setopt(s.curl, CURLOPT_HTTPHEADER, s.headers);
        }
        if (r >= 0)
                r = ctl_stream_run(&s);
        if (auth)
                explicit_bzero(auth, strlen(auth));
        ctl_stream_close(&s);
        for (size_t i = 0; i < p.n_ids; i++)
                free(p.ids[i]);
        free(p.ids);
        free(p.partial);
        if (r >= 0 && !p.failed && quiet)
                printf("%s\n", ref);
        return r < 0 || p.failed ? 1 : 0;
}

static int do_pull(struct ctl_client *c, const char *ref, const char *platform, bool quiet) {
        _cleanup_free_ char *path = NULL, *eref = ctl_urlencode(c, ref);
        _cleanup_free_ char *eplat = platform ? ctl_urlencode(c, platform) : NULL;
        if (!eref || asprintf(&path, "/images/create?fromImage=%s%s%s", eref,
                              eplat ? "&platform=" : "", eplat ? eplat : "") < 0)
                return 1;
        return transfer(c, path, ref, quiet);
}

int ctl_cmd_pull(struct ctl_client *c, int argc, char *argv[]) {
        optind = 0;     /* full getopt reset: options may follow operands, as in docker */
        static const struct option opts[] = {
                { "platform", required_argument, NULL, 'P' }, { "quiet", no_argument, NULL, 'q' },
                { "help", no_argument, NULL, 'h' }, {}
        };
        const char *platform = NULL;
        bool quiet = false;
        int o;
        while ((o = getopt_long(argc, argv, "qh", opts, NULL)) >= 0) {
                if (o == 'P')
                        platform = optarg;
                else if (o == 'q')
                        quiet = true;
                else {
                        printf("Usage: ctrctl pull [-q] [--platform OS/ARCH[/VARIANT]] NAME[:TAG|@DIGEST]\n");
                        return o == 'h' ? 0 : 1;
                }
        }
        if (argc - optind != 1) {
                ctl_error("\"pull\" requires exactly 1 argument");
                return 1;
        }
        return do_pull(c, argv[optind], platform, quiet);
}

int ctl_cmd_push(struct ctl_client *c, int argc, char *argv[]) {
        optind = 0;     /* full getopt reset: options may follow operands, as in docker */
        static const struct option opts[] = {
                { "quiet", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' }, {}
        };
        bool quiet = false;
        int o;
        while ((o = getopt_long(argc, argv, "qh", opts, NULL)) >= 0) {
                if (o == 'q')
                        quiet = true;
                else {
                        printf("Usage: ctrctl push [-q] NAME[:TAG]\n");
                        return o == 'h' ? 0 : 1;
                }
        }
        if (argc - optind != 1) {
                ctl_error("\"push\" requires exactly 1 argument");
                return 1;
        }
        /* NAME[:TAG]: the tag is after the last ':' that follows the last '/'. */
        const char *ref = argv[optind], *slash = strrchr(ref, '/'), *colon = strrchr(ref, ':');
        bool tagged = colon && (!slash || colon > slash);
        _cleanup_free_ char *name = tagged ? strndup(ref, (size_t) (colon - ref)) : strdup(ref);
        /* The name goes into the path as it is (the docker CLI does the same): its '/' separate. */
        _cleanup_free_ char *etag = ctl_urlencode(c, tagged ? colon + 1 : "latest"), *path = NULL;
        if (!name || !etag || asprintf(&path, "/images/%s/push?tag=%s", name, etag) < 0)
                return 1;
        return transfer(c, path, ref, quiet);
}
