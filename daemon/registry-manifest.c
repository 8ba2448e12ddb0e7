#include "registry-manifest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "cleanup.h"

/* uname's machine in the spelling registries use (Go's GOARCH, plus a variant for ARM). */
static void host_platform(struct registry_platform *p) {
        static const struct { const char *machine, *arch, *variant; } map[] = {
                { "x86_64", "amd64", "" },   { "aarch64", "arm64", "v8" }, { "armv7l", "arm", "v7" },
                { "armv6l", "arm", "v6" },   { "i686", "386", "" },        { "i386", "386", "" },
                { "ppc64le", "ppc64le", "" }, { "s390x", "s390x", "" },   { "riscv64", "riscv64", "" },
        };
        struct utsname u;
        *p = (struct registry_platform) { .os = "linux" };
        if (uname(&u) < 0)
                return;
        snprintf(p->arch, sizeof(p->arch), "%.31s", u.machine);
        for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
                if (strcmp(u.machine, map[i].machine) == 0) {
                        snprintf(p->arch, sizeof(p->arch), "%s", map[i].arch);
                        snprintf(p->variant, sizeof(p->variant), "%s", map[i].variant);
                }
}

int registry_platform_parse(const char *spec, struct registry_platform *ret,
                            struct ctrd_error *err) {
        host_platform(ret);
        if (!spec || !*spec)
                return 0;
        char os[32] = "", arch[32] = "", variant[16] = "";
        int n = sscanf(spec, "%31[^/]/%31[^/]/%15[^/]", os, arch, variant);
        size_t used = strlen(os) + (n > 1 ? 1 + strlen(arch) : 0) + (n > 2 ? 1 + strlen(variant) : 0);
        if (n < 1 || used != strlen(spec))
                return ctrd_error_set(err, EINVAL, "invalid platform '%s': want os[/arch[/variant]]", spec);
        *ret = (struct registry_platform) { 0 };
        snprintf(ret->os, sizeof(ret->os), "%s", os);
        if (n > 1) {
                snprintf(ret->arch, sizeof(ret->arch), "%s", arch);
                snprintf(ret->variant, sizeof(ret->variant), "%s", variant);
        } else {
                struct registry_platform host;
                host_platform(&host);
                *ret = host;
                snprintf(ret->os, sizeof(ret->os), "%s", os);
        }
        return 0;
}

static int parse_blob(json_t *d, struct registry_blob *ret, const char *what, struct ctrd_error *err) {
        const char *digest = json_string_value(json_object_get(d, "digest"));
        const char *mt = json_string_value(json_object_get(d, "mediaType"));
        json_t *size = json_object_get(d, "size");
        if (!digest_is_valid(digest))
                return ctrd_error_set(err, EINVAL, "the manifest's %s has no valid sha256 digest", what);
        if (!json_is_integer(size) || json_integer_value(size) < 0)
                return ctrd_error_set(err, EINVAL, "the manifest's %s %s has no valid size", what, digest);
        memcpy(ret->digest, digest, DIGEST_STR_LEN + 1);
        ret->size = json_integer_value(size);
        if (mt && !(ret->media_type = strdup(mt)))
                return ctrd_error_set(err, ENOMEM, "out of memory");
        return 0;
}

static int parse_image(json_t *doc, struct registry_manifest *m, struct ctrd_error *err) {
        json_t *layers = json_object_get(doc, "layers"), *l;
        size_t i;
        int r = parse_blob(json_object_get(doc, "config"), &m->config, "config", err);
        if (r < 0)
                return r;
        if (!json_is_array(layers) || json_array_size(layers) == 0)
                return ctrd_error_set(err, EINVAL, "the manifest lists no layers");
        m->layers = calloc(json_array_size(layers), sizeof(*m->layers));
        if (!m->layers)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        json_array_foreach(layers, i, l) {
                r = parse_blob(l, &m->layers[i], "layer", err);
                m->n_layers = i + 1;
                if (r < 0)
                        return r;
        }
        return 0;
}

/* An index entry fits when os and arch match, and the variant when both sides name one. */
static bool platform_fits(json_t *p, const struct registry_platform *want) {
        const char *os = json_string_value(json_object_get(p, "os"));
        const char *arch = json_string_value(json_object_get(p, "architecture"));
        const char *variant = json_string_value(json_object_get(p, "variant"));
        if (!os || !arch || strcmp(os, want->os) != 0 || strcmp(arch, want->arch) != 0)
                return false;
        return !variant || !*want->variant || strcmp(variant, want->variant) == 0;
}

static int parse_index(json_t *doc, const struct registry_platform *want,
                       struct registry_manifest *m, struct ctrd_error *err) {
        json_t *list = json_object_get(doc, "manifests"), *d;
        size_t i;
        m->is_index = true;
        if (!json_is_array(list))
                return ctrd_error_set(err, EINVAL, "the image index has no manifests list");
        json_array_foreach(list, i, d)
                if (platform_fits(json_object_get(d, "platform"), want))
                        return parse_blob(d, &m->chosen, "platform manifest", err);
        return ctrd_error_set(err, ENOENT, "no matching manifest for %s/%s%s%s in the manifest list "
                              "entries", want->os, want->arch, *want->variant ? "/" : "",
                              want->variant);
}

int registry_manifest_parse(const char *data, size_t len, const char *content_type,
                            const struct registry_platform *platform,
                            struct registry_manifest *ret, struct ctrd_error *err) {
        json_error_t jerr;
        json_auto_t *doc = json_loadb(data, len, 0, &jerr);
        *ret = (struct registry_manifest) { 0 };
        if (!json_is_object(doc))
                return ctrd_error_set(err, EINVAL, "the manifest is not a JSON object: %s", jerr.text);
        const char *mt = json_string_value(json_object_get(doc, "mediaType"));
        if (!mt || !*mt)
                mt = content_type;
        if (json_integer_value(json_object_get(doc, "schemaVersion")) == 1)
                return ctrd_error_set(err, ENOTSUP, "Docker image manifests of schema 1 are not "
                                      "supported; push the image again with a current client");
        bool index = (mt && (strstr(mt, "manifest.list") || strstr(mt, "image.index"))) ||
                     (!mt && json_object_get(doc, "manifests"));
        int r = index ? parse_index(doc, platform, ret, err) : parse_image(doc, ret, err);
        if (r < 0)
                registry_manifest_clear(ret);
        return r;
}

void registry_manifest_clear(struct registry_manifest *m) {
        for (size_t i = 0; i < m->n_layers; i++)
                free(m->layers[i].media_type);
        free(m->layers);
        free(m->config.media_type);
        free(m->chosen.media_type);
        *m = (struct registry_manifest) { 0 };
}
