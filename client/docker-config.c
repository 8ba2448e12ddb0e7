/* Docker's client-side registry settings: config.json and X-Registry-Auth (see docker-config.h). */
#include "docker-config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fs-util.h"

#define CONFIG_MAX (1024 * 1024)


char *ctl_base64(const char *tbl, const char *in, size_t len) {
        char *out = malloc(4 * ((len + 2) / 3) + 1), *o = out;
        if (!out)
                return NULL;
        for (size_t i = 0; i < len; i += 3) {
                unsigned v = (unsigned char) in[i] << 16;
                if (i + 1 < len)
                        v |= (unsigned char) in[i + 1] << 8;
                if (i + 2 < len)
                        v |= (unsigned char) in[i + 2];
                *o++ = tbl[(v >> 18) & 63];
                *o++ = tbl[(v >> 12) & 63];
                *o++ = i + 1 < len ? tbl[(v >> 6) & 63] : '=';
                *o++ = i + 2 < len ? tbl[v & 63] : '=';
        }
        *o = '\0';
        return out;
}

/* $DOCKER_CONFIG/config.json, or ~/.docker/config.json. */
char *ctl_docker_config_path(void) {
        const char *dir = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
        char *p = NULL;
        if (dir && *dir)
                return asprintf(&p, "%s/config.json", dir) < 0 ? NULL : p;
        return asprintf(&p, "%s/.docker/config.json", home && *home ? home : "/root") < 0 ? NULL : p;
}

json_t *ctl_docker_config_load(const char *path) {
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        if (ctrd_read_file(path, CONFIG_MAX, &text, &len, NULL) < 0)
                return json_object();
        json_t *doc = json_loadb(text, len, 0, NULL);
        return json_is_object(doc) ? doc : (json_decref(doc), json_object());
}

/* The registry host of a reference, as Docker decides it: a first component with '.' or ':'. */
char *ctl_registry_of(const char *ref) {
        size_t n = strcspn(ref, "/");
        if (ref[n] == '/' && (memchr(ref, '.', n) || memchr(ref, ':', n) || (n == 9 && strncmp(ref, "localhost", 9) == 0)))
                return strndup(ref, n);
        return strdup("docker.io");
}

/* "X-Registry-Auth: ..." from the config entry for host, or NULL when there is none. */
char *ctl_registry_auth_header(const char *host) {
        _cleanup_free_ char *path = ctl_docker_config_path(), *text = NULL, *hdr = NULL;
        json_auto_t *doc = path ? ctl_docker_config_load(path) : NULL;
        json_t *auths = json_object_get(doc, "auths");
        json_t *entry = json_object_get(auths, host);
        if (!entry && strcmp(host, "docker.io") == 0)
                entry = json_object_get(auths, "https://index.docker.io/v1/");
        const char *auth = json_string_value(json_object_get(entry, "auth"));
        if (!auth)
                return NULL;
        /* Docker's AuthConfig carries "auth" (base64 user:password) as it is stored. */
        json_auto_t *ac = json_pack("{s:s, s:s}", "auth", auth, "serveraddress", host);
        text = ac ? json_dumps(ac, JSON_COMPACT) : NULL;
        _cleanup_free_ char *enc = text ? ctl_base64(CTL_B64_URL, text, strlen(text)) : NULL;
        if (text)
                explicit_bzero(text, strlen(text));
        return enc && asprintf(&hdr, "X-Registry-Auth: %s", enc) >= 0 ? TAKE_PTR(hdr) : NULL;
}
