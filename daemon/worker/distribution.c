/*
 * distribution (docs/image-worker.md): the manifest a reference names, as a
 * descriptor, and the platforms it offers: an index's entries, or, for a
 * single image, the one its config names. Request: "Ref", "Registry",
 * "Auth". Result: {"Descriptor": {"mediaType", "digest", "size"}, "Platforms"}.
 */
#include <errno.h>
#include <string.h>

#include "daemon/digest.h"
#include "daemon/registry-manifest.h"
#include "registry.h"
#include "worker.h"

#define CONFIG_MAX (8 * 1024 * 1024)

static json_t *platform_of(json_t *p) {
        json_t *o = json_pack("{s:O?, s:O?}", "architecture", json_object_get(p, "architecture"),
                              "os", json_object_get(p, "os"));
        if (o && json_object_get(p, "variant"))
                json_object_set(o, "variant", json_object_get(p, "variant"));
        return o;
}

/* A single image: its platform is in its config. */
static int config_platform(struct registry_client *client, json_t *manifest, json_t *platforms,
                           struct ctrd_error *err) {
        struct registry_doc doc = { 0 };
        char actual[DIGEST_STR_LEN + 1];
        const char *digest = json_string_value(json_object_get(json_object_get(manifest, "config"), "digest"));
        if (!digest_is_valid(digest))
                return ctrd_error_set(err, EINVAL, "the manifest has no valid config digest");
        int r = registry_get_blob(client, digest, CONFIG_MAX, &doc, err);
        if (r >= 0 && (digest_buffer(doc.body, doc.len, actual) < 0 || strcmp(actual, digest) != 0))
                r = ctrd_error_set(err, EBADMSG, "config %s: the registry sent a blob whose digest is "
                                   "%s", digest, actual);
        json_auto_t *config = r >= 0 ? json_loadb(doc.body, doc.len, 0, NULL) : NULL;
        if (config)
                json_array_append_new(platforms, platform_of(config));
        registry_doc_clear(&doc);
        return r;
}

static int describe(struct registry_client *client, const char *ref, json_t **ret,
                    struct ctrd_error *err) {
        struct registry_doc doc = { 0 };
        char digest[DIGEST_STR_LEN + 1];
        int r = registry_get_manifest(client, ref, &doc, err);
        if (r < 0)
                return r;
        json_auto_t *m = json_loadb(doc.body, doc.len, 0, NULL);
        json_t *platforms = json_array(), *d;
        const char *mt = json_string_value(json_object_get(m, "mediaType"));
        size_t i;
        if (!mt)
                mt = doc.content_type ? doc.content_type : REGISTRY_MT_OCI_MANIFEST;
        if (!json_is_object(m) || digest_buffer(doc.body, doc.len, digest) < 0)
                r = ctrd_error_set(err, EINVAL, "the registry sent a manifest that is not JSON");
        else if (json_is_array(json_object_get(m, "manifests")))
                json_array_foreach(json_object_get(m, "manifests"), i, d)
                        json_array_append_new(platforms, platform_of(json_object_get(d, "platform")));
        else
                r = config_platform(client, m, platforms, err);
        if (r >= 0)
                *ret = json_pack("{s:{s:s, s:s, s:I}, s:o}", "Descriptor", "mediaType", mt, "digest",
                                 digest, "size", (json_int_t) doc.len, "Platforms", platforms);
        else
                json_decref(platforms);
        if (r >= 0 && !*ret)
                r = ctrd_error_set(err, ENOMEM, "out of memory");
        registry_doc_clear(&doc);
        return r;
}

int worker_distribution(struct worker_ctx *ctx, json_t *request, json_t **ret_result,
                        struct ctrd_error *err) {
        struct image_ref ref = { 0 };
        struct registry_client *client = NULL;
        (void) ctx;
        int r = worker_registry_ref(request, &ref, err);
        if (r >= 0)
                r = worker_registry_client(request, ref.domain, ref.path, &client, err);
        if (r >= 0)
                r = describe(client, ref.digest ? ref.digest : ref.tag, ret_result, err);
        registry_client_free(client);
        image_ref_clear(&ref);
        return r;
}
