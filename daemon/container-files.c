#include "container-files.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fs-util.h"
#include "string-util.h"

/* A growing text buffer; on allocation failure it stays NULL and writing fails. */
struct text {
        char *buf;
        size_t len;
        bool oom;
};

static void text_add(struct text *t, const char *fmt, ...) _printf_(2, 3);
static void text_add(struct text *t, const char *fmt, ...) {
        if (t->oom)
                return;
        va_list ap;
        va_start(ap, fmt);
        char *piece = NULL;
        int n = vasprintf(&piece, fmt, ap);
        va_end(ap);
        char *nb = n >= 0 ? realloc(t->buf, t->len + (size_t) n + 1) : NULL;
        if (!nb) {
                free(piece);
                t->oom = true;
                return;
        }
        memcpy(nb + t->len, piece, (size_t) n + 1);
        t->buf = nb;
        t->len += (size_t) n;
        free(piece);
}

static int write_text(const char *dir, const char *name, struct text *t, struct ctrd_error *err) {
        _cleanup_free_ char *path = NULL;
        if (t->oom || asprintf(&path, "%s/%s", dir, name) < 0) {
                free(t->buf);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        /* Rebuilt at every start: no fsync (lib/fs-util.h). */
        int r = ctrd_write_file_replace(path, t->buf ? t->buf : "", t->len, 0644, err);
        free(t->buf);
        return r;
}

static bool is_loopback_nameserver(const char *line) {
        const char *p = line + strlen("nameserver");
        while (*p == ' ' || *p == '\t')
                p++;
        return ctrd_startswith(p, "127.") || ctrd_startswith(p, "::1");
}

static void resolv_from_host(struct text *t) {
        _cleanup_fclose_ FILE *f = fopen("/etc/resolv.conf", "re");
        if (!f)
                return;
        char line[1024];
        while (fgets(line, sizeof(line), f)) {
                if (ctrd_startswith(line, "nameserver") && is_loopback_nameserver(line))
                        continue;
                text_add(t, "%s", line);
        }
}

static void resolv_from_config(struct text *t, json_t *host) {
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(host, "Dns"), i, v)
                if (json_is_string(v))
                        text_add(t, "nameserver %s\n", json_string_value(v));
        json_t *search = json_object_get(host, "DnsSearch");
        if (json_array_size(search) > 0) {
                text_add(t, "search");
                json_array_foreach(search, i, v)
                        if (json_is_string(v))
                                text_add(t, " %s", json_string_value(v));
                text_add(t, "\n");
        }
        json_t *opts = json_object_get(host, "DnsOptions");
        if (json_array_size(opts) > 0) {
                text_add(t, "options");
                json_array_foreach(opts, i, v)
                        if (json_is_string(v))
                                text_add(t, " %s", json_string_value(v));
                text_add(t, "\n");
        }
}

int ctr_files_write(const char *dir, const char *hostname, json_t *host, struct ctrd_error *err) {
        struct text t = { 0 };
        text_add(&t, "%s\n", hostname);
        int r = write_text(dir, "hostname", &t, err);
        if (r < 0)
                return r;

        t = (struct text) { 0 };
        text_add(&t, "127.0.0.1\tlocalhost\n"
                     "::1\tlocalhost ip6-localhost ip6-loopback\n"
                     "fe00::0\tip6-localnet\n"
                     "ff00::0\tip6-mcastprefix\n"
                     "ff02::1\tip6-allnodes\n"
                     "ff02::2\tip6-allrouters\n");
        /* ExtraHosts entries are "name:address" (the address may itself contain ':'). */
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(host, "ExtraHosts"), i, v) {
                const char *e = json_string_value(v);
                const char *colon = e ? strchr(e, ':') : NULL;
                if (colon)
                        text_add(&t, "%s\t%.*s\n", colon + 1, (int) (colon - e), e);
        }
        text_add(&t, "127.0.1.1\t%s\n", hostname);
        r = write_text(dir, "hosts", &t, err);
        if (r < 0)
                return r;

        t = (struct text) { 0 };
        if (json_array_size(json_object_get(host, "Dns")) > 0 ||
            json_array_size(json_object_get(host, "DnsSearch")) > 0 ||
            json_array_size(json_object_get(host, "DnsOptions")) > 0)
                resolv_from_config(&t, host);
        else
                resolv_from_host(&t);
        return write_text(dir, "resolv.conf", &t, err);
}
