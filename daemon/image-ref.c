#include "image-ref.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "digest.h"

#define NAME_MAX_TOTAL 255
#define TAG_MAX 128

static bool is_lower_alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c) {
        return isascii((unsigned char) c) && isalnum((unsigned char) c);
}

/* One path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* */
static bool path_component_valid(const char *s, size_t n) {
        size_t i = 0;
        if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
                return false;
        while (i < n) {
                if (is_lower_alnum(s[i])) {
                        i++;
                        continue;
                }
                size_t sep = i;
                if (s[i] == '.')
                        i++;
                else if (s[i] == '_')
                        i += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
                else if (s[i] == '-')
                        while (i < n && s[i] == '-')
                                i++;
                else
                        return false;
                if (i >= n || !is_lower_alnum(s[i]) || i == sep)
                        return false;
        }
        return true;
}

static bool path_valid(const char *p) {
        for (;;) {
                const char *slash = strchr(p, '/');
                size_t n = slash ? (size_t) (slash - p) : strlen(p);
                if (!path_component_valid(p, n))
                        return false;
                if (!slash)
                        return true;
                p = slash + 1;
        }
}

/* [A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])? separated by dots, or a bracketed IPv6 address. */
static bool host_valid(const char *s, size_t n) {
        if (n >= 2 && s[0] == '[') {
                if (s[n - 1] != ']')
                        return false;
                for (size_t i = 1; i + 1 < n; i++)
                        if (!isxdigit((unsigned char) s[i]) && s[i] != ':' && s[i] != '.')
                                return false;
                return n > 2;
        }
        size_t start = 0;
        for (size_t i = 0; i <= n; i++) {
                if (i < n && s[i] != '.')
                        continue;
                size_t len = i - start;
                if (len == 0 || !is_alnum(s[start]) || !is_alnum(s[i - 1]))
                        return false;
                for (size_t k = start; k < i; k++)
                        if (!is_alnum(s[k]) && s[k] != '-')
                                return false;
                start = i + 1;
        }
        return true;
}

static bool domain_valid(const char *d) {
        const char *colon = strrchr(d, ':');
        const char *bracket = strrchr(d, ']');
        if (colon && (!bracket || colon > bracket)) {
                if (!colon[1])
                        return false;
                for (const char *p = colon + 1; *p; p++)
                        if (!isdigit((unsigned char) *p))
                                return false;
                return host_valid(d, (size_t) (colon - d));
        }
        return host_valid(d, strlen(d));
}

static bool tag_valid(const char *t) {
        size_t n = strlen(t);
        if (n == 0 || n > TAG_MAX || !(is_alnum(t[0]) || t[0] == '_'))
                return false;
        for (size_t i = 1; i < n; i++)
                if (!is_alnum(t[i]) && t[i] != '_' && t[i] != '.' && t[i] != '-')
                        return false;
        return true;
}

static int invalid(struct ctrd_error *err, const char *why) {
        return ctrd_error_set(err, EINVAL, "invalid reference format%s%s", why ? ": " : "",
                              why ? why : "");
}

/*
 * Docker's domain rule: the part before the first '/' is a registry only if
 * it looks like one (has a '.' or ':', or is "localhost", and is not a
 * lowercase-only word); otherwise the whole name lives on Docker Hub, where
 * single-component names are official images under library/.
 */
static int split_domain(const char *name, struct image_ref *r) {
        const char *slash = strchr(name, '/');
        if (slash) {
                size_t n = (size_t) (slash - name);
                bool looks_like_host = memchr(name, '.', n) || memchr(name, ':', n) ||
                                       (n == 9 && strncmp(name, "localhost", 9) == 0);
                bool has_upper = false;
                for (size_t i = 0; i < n; i++)
                        has_upper |= isupper((unsigned char) name[i]) != 0;
                if (looks_like_host || has_upper) {
                        r->domain = strndup(name, n);
                        r->path = strdup(slash + 1);
                        if (r->domain && strcmp(r->domain, "index.docker.io") == 0) {
                                free(r->domain);
                                r->domain = strdup(IMAGE_REF_DEFAULT_DOMAIN);
                        }
                        goto library;
                }
        }
        r->domain = strdup(IMAGE_REF_DEFAULT_DOMAIN);
        r->path = strdup(name);
library:
        if (!r->domain || !r->path)
                return -ENOMEM;
        if (strcmp(r->domain, IMAGE_REF_DEFAULT_DOMAIN) == 0 && !strchr(r->path, '/')) {
                char *p = NULL;
                if (asprintf(&p, "library/%s", r->path) < 0)
                        return -ENOMEM;
                free(r->path);
                r->path = p;
        }
        return 0;
}

static int parse_digest(char *at, struct image_ref *r, struct ctrd_error *err) {
        *at = '\0';
        const char *d = at + 1;
        if (strncmp(d, DIGEST_PREFIX, sizeof(DIGEST_PREFIX) - 1) != 0) {
                if (strchr(d, ':'))
                        return ctrd_error_set(err, EINVAL, "unsupported digest algorithm");
                return invalid(err, NULL);
        }
        if (!digest_is_valid(d))
                return ctrd_error_set(err, EINVAL, "invalid checksum digest format");
        r->digest = strdup(d);
        return r->digest ? 0 : -ENOMEM;
}

static int parse_into(char *s, struct image_ref *r, struct ctrd_error *err) {
        if (digest_is_hex(s))
                return ctrd_error_set(err, EINVAL, "invalid repository name (%s), cannot specify "
                                      "64-byte hexadecimal strings", s);
        char *at = strchr(s, '@');
        if (at) {
                int k = parse_digest(at, r, err);
                if (k < 0)
                        return k;
        }
        char *last_slash = strrchr(s, '/');
        char *colon = strrchr(last_slash ? last_slash : s, ':');
        if (colon) {
                *colon = '\0';
                if (!tag_valid(colon + 1))
                        return invalid(err, NULL);
                r->tag = strdup(colon + 1);
                if (!r->tag)
                        return -ENOMEM;
        }
        if (!*s)
                return invalid(err, NULL);
        if (split_domain(s, r) < 0)
                return -ENOMEM;
        for (const char *p = r->path; *p; p++)
                if (isupper((unsigned char) *p))
                        return invalid(err, "repository name must be lowercase");
        if (!domain_valid(r->domain) || !path_valid(r->path))
                return invalid(err, NULL);
        if (strlen(r->domain) + 1 + strlen(r->path) > NAME_MAX_TOTAL)
                return invalid(err, "repository name must not be more than 255 characters");
        return 0;
}

int image_ref_parse(const char *s, struct image_ref *ret, struct ctrd_error *err) {
        struct image_ref r = { 0 };
        if (!s || !*s)
                return invalid(err, NULL);
        _cleanup_free_ char *copy = strdup(s);
        if (!copy)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        int k = parse_into(copy, &r, err);
        if (k >= 0 && !r.tag && !r.digest && !(r.tag = strdup(IMAGE_REF_DEFAULT_TAG)))
                k = ctrd_error_set(err, ENOMEM, "out of memory");
        if (k < 0) {
                image_ref_clear(&r);
                return k == -ENOMEM ? ctrd_error_set(err, ENOMEM, "out of memory") : k;
        }
        *ret = r;
        return 0;
}

int image_ref_parse_repo_tag(const char *repo, const char *tag, struct image_ref *ret,
                             struct ctrd_error *err) {
        struct image_ref r = { 0 };
        int k = image_ref_parse(repo, &r, err);
        if (k < 0)
                return k;
        if (r.digest) {
                image_ref_clear(&r);
                return ctrd_error_set(err, EINVAL, "refusing to create a tag with a digest "
                                      "reference");
        }
        if (tag && *tag) {
                if (!tag_valid(tag)) {
                        image_ref_clear(&r);
                        return ctrd_error_set(err, EINVAL, "invalid tag format");
                }
                char *t = strdup(tag);
                if (!t) {
                        image_ref_clear(&r);
                        return ctrd_error_set(err, ENOMEM, "out of memory");
                }
                free(r.tag);
                r.tag = t;
        }
        *ret = r;
        return 0;
}

void image_ref_clear(struct image_ref *r) {
        free(r->domain);
        free(r->path);
        free(r->tag);
        free(r->digest);
        *r = (struct image_ref) { 0 };
}

char *image_ref_name(const struct image_ref *r, bool familiar) {
        char *s = NULL;
        if (familiar && strcmp(r->domain, IMAGE_REF_DEFAULT_DOMAIN) == 0) {
                const char *p = r->path;
                /* Only official images lose the prefix: "library/a/b" stays as it is. */
                if (strncmp(p, "library/", 8) == 0 && !strchr(p + 8, '/'))
                        p += 8;
                return strdup(p);
        }
        if (asprintf(&s, "%s/%s", r->domain, r->path) < 0)
                return NULL;
        return s;
}

char *image_ref_string(const struct image_ref *r, bool familiar) {
        _cleanup_free_ char *name = image_ref_name(r, familiar);
        char *s = NULL;
        if (!name)
                return NULL;
        if (asprintf(&s, "%s%s%s%s%s", name, r->tag ? ":" : "", r->tag ? r->tag : "",
                     r->digest ? "@" : "", r->digest ? r->digest : "") < 0)
                return NULL;
        return s;
}

char *image_ref_familiarize(const char *full) {
        struct image_ref r = { 0 };
        if (image_ref_parse(full, &r, NULL) < 0)
                return strdup(full);
        char *s = image_ref_string(&r, true);
        image_ref_clear(&r);
        return s;
}
