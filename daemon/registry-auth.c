#include "registry-auth.h"

#include <errno.h>
#include <jansson.h>
#include <nettle/base64.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "fs-util.h"

#define CONFIG_MAX (1024 * 1024)

int registry_base64_decode(const char *in, char **ret, size_t *ret_len) {
        size_t n = strlen(in);
        /* The standard alphabet with padding: translate URL-safe and re-pad. */
        _cleanup_free_ char *std = malloc(n + 4);
        _cleanup_free_ uint8_t *out = malloc(BASE64_DECODE_LENGTH(n + 4) + 1);
        struct base64_decode_ctx ctx;
        size_t len = 0;

        if (!std || !out)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                /* nettle skips whitespace; a credential must not contain any. */
                if (in[i] == ' ' || in[i] == '\t' || in[i] == '\n' || in[i] == '\r')
                        return -EINVAL;
                std[i] = in[i] == '-' ? '+' : in[i] == '_' ? '/' : in[i];
        }
        while (n % 4)
                std[n++] = '=';
        base64_decode_init(&ctx);
        if (!base64_decode_update(&ctx, &len, out, n, std) || !base64_decode_final(&ctx))
                return -EINVAL;
        out[len] = '\0';
        *ret = (char *) TAKE_PTR(out);
        if (ret_len)
                *ret_len = len;
        return 0;
}

char *registry_base64_encode(const void *in, size_t len) {
        char *out = malloc(BASE64_ENCODE_RAW_LENGTH(len) + 1);
        if (out) {
                base64_encode_raw(out, len, in);
                out[BASE64_ENCODE_RAW_LENGTH(len)] = '\0';
        }
        return out;
}

static int dup_field(json_t *o, const char *key, char **ret) {
        const char *v = json_string_value(json_object_get(o, key));
        if (!v || !*v)
                return 0;
        *ret = strdup(v);
        return *ret ? 0 : -ENOMEM;
}

/* base64("user:password") into ret's username and password. */
static int split_auth(const char *auth, struct registry_creds *ret, struct ctrd_error *err) {
        _cleanup_free_ char *pair = NULL;
        size_t len = 0;
        char *colon;
        if (registry_base64_decode(auth, &pair, &len) < 0 || !(colon = strchr(pair, ':'))) {
                if (pair)
                        explicit_bzero(pair, len);
                return ctrd_error_set(err, EINVAL, "an auth entry is not base64 of user:password");
        }
        *colon = '\0';
        ret->username = strdup(pair);
        ret->password = strdup(colon + 1);
        explicit_bzero(pair, len);
        if (!ret->username || !ret->password) {
                registry_creds_clear(ret);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        return 0;
}

int registry_creds_from_json(json_t *o, struct registry_creds *ret, struct ctrd_error *err) {
        *ret = (struct registry_creds) { 0 };
        if (dup_field(o, "username", &ret->username) < 0 || dup_field(o, "password", &ret->password) < 0 ||
            dup_field(o, "identitytoken", &ret->identity_token) < 0) {
                registry_creds_clear(ret);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        /* Docker's AuthConfig may carry "auth", base64 of user:password, as config.json stores it. */
        const char *auth = json_string_value(json_object_get(o, "auth"));
        if (!ret->username && auth && *auth)
                return split_auth(auth, ret, err);
        return 0;
}

int registry_creds_from_header(const char *header, struct registry_creds *ret,
                               struct ctrd_error *err) {
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        *ret = (struct registry_creds) { 0 };
        if (!header || !*header)
                return 0;
        if (registry_base64_decode(header, &text, &len) < 0)
                return ctrd_error_set(err, EINVAL, "X-Registry-Auth is not base64");
        json_auto_t *o = json_loadb(text, len, 0, NULL);
        explicit_bzero(text, len);
        if (!json_is_object(o))
                return ctrd_error_set(err, EINVAL, "X-Registry-Auth is not a JSON object");
        return registry_creds_from_json(o, ret, err);
}

/* config.json keys are "host", "https://host" or "https://host/v1/" (docker.io's old form). */
static json_t *find_auth(json_t *auths, const char *host) {
        const char *key;
        json_t *v;
        bool hub = strcmp(host, "docker.io") == 0;
        json_object_foreach(auths, key, v) {
                const char *k = key;
                if (strncmp(k, "https://", 8) == 0)
                        k += 8;
                else if (strncmp(k, "http://", 7) == 0)
                        k += 7;
                size_t n = strcspn(k, "/");
                if ((strlen(host) == n && strncmp(k, host, n) == 0) ||
                    (hub && n == strlen("index.docker.io") && strncmp(k, "index.docker.io", n) == 0))
                        return v;
        }
        return NULL;
}

int registry_creds_from_config(const char *path, const char *host, struct registry_creds *ret,
                               struct ctrd_error *err) {
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        *ret = (struct registry_creds) { 0 };
        int r = ctrd_read_file(path, CONFIG_MAX, &text, &len, err);
        if (r < 0)
                return r;
        json_auto_t *doc = json_loadb(text, len, 0, NULL);
        json_t *entry = find_auth(json_object_get(doc, "auths"), host);
        const char *auth = json_string_value(json_object_get(entry, "auth"));
        if (!entry)
                return -ENOENT;
        if (dup_field(entry, "identitytoken", &ret->identity_token) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if (!auth || !*auth)
                return 0;
        r = split_auth(auth, ret, err);
        return r < 0 ? ctrd_error_wrap(err, "'%s', entry %s", path, host) : 0;
}

bool registry_creds_empty(const struct registry_creds *c) {
        return !c->username && !c->password && !c->identity_token;
}

static void wipe(char **s) {
        if (*s)
                explicit_bzero(*s, strlen(*s));
        free(*s);
        *s = NULL;
}

void registry_creds_clear(struct registry_creds *c) {
        wipe(&c->username);
        wipe(&c->password);
        wipe(&c->identity_token);
}

/* One key="value" (or key=token) pair at *p; advances past it and a following comma. */
static int next_param(const char **p, char **ret_key, char **ret_value) {
        const char *s = *p + strspn(*p, " \t,");
        size_t kn = strcspn(s, "= \t,");
        if (kn == 0 || s[kn] != '=')
                return 0;
        const char *v = s + kn + 1, *end;
        _cleanup_free_ char *val = NULL;
        if (*v == '"') {
                end = strchr(v + 1, '"');
                if (!end)
                        return -EINVAL;
                val = strndup(v + 1, (size_t) (end - v - 1));
                end++;
        } else {
                end = v + strcspn(v, ",");
                val = strndup(v, (size_t) (end - v));
        }
        *ret_key = strndup(s, kn);
        if (!val || !*ret_key) {
                free(*ret_key);
                return -ENOMEM;
        }
        *ret_value = TAKE_PTR(val);
        *p = end;
        return 1;
}

int registry_challenge_parse(const char *header, struct registry_challenge *ret) {
        *ret = (struct registry_challenge) { 0 };
        const char *p = header + strspn(header, " \t");
        if (strncasecmp(p, "bearer ", 7) == 0)
                ret->bearer = true;
        else if (strncasecmp(p, "basic", 5) != 0)
                return -EINVAL;
        p += strcspn(p, " \t");
        for (;;) {
                char *k = NULL, *v = NULL;
                int r = next_param(&p, &k, &v);
                if (r <= 0) {
                        if (r < 0)
                                registry_challenge_clear(ret);
                        return ret->bearer && !ret->realm ? (registry_challenge_clear(ret), -EINVAL) : r;
                }
                char **slot = strcmp(k, "realm") == 0 ? &ret->realm
                            : strcmp(k, "service") == 0 ? &ret->service
                            : strcmp(k, "scope") == 0 ? &ret->scope : NULL;
                free(k);
                if (slot && !*slot)
                        *slot = v;
                else
                        free(v);
        }
}

void registry_challenge_clear(struct registry_challenge *c) {
        free(c->realm);
        free(c->service);
        free(c->scope);
        *c = (struct registry_challenge) { 0 };
}
