#include "registry-distribution.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "daemon/digest.h"
#include "daemon/image-ref.h"
#include "daemon/registry-manifest.h"
#include "macro.h"

#define CONFIG_MAX (8 * 1024 * 1024)

struct distribution_job {
        uv_work_t work;
        struct registry_client *client;
        char *ref;                      /* the tag or digest to ask for */
        json_t *result;
        struct ctrd_error err;
        int r;
        registry_distribution_done_fn done;
        void *userdata;
};

static json_t *platform_of(json_t *p) {
        json_t *o = json_pack("{s:O?, s:O?}", "architecture", json_object_get(p, "architecture"),
                              "os", json_object_get(p, "os"));
        if (o && json_object_get(p, "variant"))
                json_object_set(o, "variant", json_object_get(p, "variant"));
        return o;
}

/* A single image: its platform is in its config. */
static int config_platform(struct distribution_job *j, json_t *manifest, json_t *platforms) {
        struct registry_doc doc = { 0 };
        char actual[DIGEST_STR_LEN + 1];
        const char *digest = json_string_value(json_object_get(json_object_get(manifest, "config"), "digest"));
        if (!digest_is_valid(digest))
                return ctrd_error_set(&j->err, EINVAL, "the manifest has no valid config digest");
        int r = registry_get_blob(j->client, digest, CONFIG_MAX, &doc, &j->err);
        if (r >= 0 && (digest_buffer(doc.body, doc.len, actual) < 0 || strcmp(actual, digest) != 0))
                r = ctrd_error_set(&j->err, EBADMSG, "config %s: the registry sent a blob whose digest is "
                                   "%s", digest, actual);
        json_auto_t *config = r >= 0 ? json_loadb(doc.body, doc.len, 0, NULL) : NULL;
        if (config)
                json_array_append_new(platforms, platform_of(config));
        registry_doc_clear(&doc);
        return r;
}

static void distribution_work(uv_work_t *w) {
        struct distribution_job *j = container_of(w, struct distribution_job, work);
        struct registry_doc doc = { 0 };
        char digest[DIGEST_STR_LEN + 1];
        j->r = registry_get_manifest(j->client, j->ref, &doc, &j->err);
        if (j->r < 0)
                return;
        json_auto_t *m = json_loadb(doc.body, doc.len, 0, NULL);
        json_t *platforms = json_array(), *d;
        const char *mt = json_string_value(json_object_get(m, "mediaType"));
        size_t i;
        if (!mt)
                mt = doc.content_type ? doc.content_type : REGISTRY_MT_OCI_MANIFEST;
        if (!json_is_object(m) || digest_buffer(doc.body, doc.len, digest) < 0)
                j->r = ctrd_error_set(&j->err, EINVAL, "the registry sent a manifest that is not JSON");
        else if (json_is_array(json_object_get(m, "manifests")))
                json_array_foreach(json_object_get(m, "manifests"), i, d)
                        json_array_append_new(platforms, platform_of(json_object_get(d, "platform")));
        else
                j->r = config_platform(j, m, platforms);
        if (j->r >= 0)
                j->result = json_pack("{s:{s:s, s:s, s:I}, s:o}", "Descriptor", "mediaType", mt, "digest",
                                      digest, "size", (json_int_t) doc.len, "Platforms", platforms);
        else
                json_decref(platforms);
        if (j->r >= 0 && !j->result)
                j->r = ctrd_error_set(&j->err, ENOMEM, "out of memory");
        registry_doc_clear(&doc);
}

static void distribution_after(uv_work_t *w, int status) {
        struct distribution_job *j = container_of(w, struct distribution_job, work);
        if (j->r >= 0 && status < 0)
                j->r = ctrd_error_set(&j->err, -status, "cancelled");
        j->done(j->r, &j->err, j->r >= 0 ? j->result : NULL, j->userdata);
        json_decref(j->result);
        registry_client_free(j->client);
        free(j->ref);
        free(j);
}

int registry_distribution_start(uv_loop_t *loop, const struct registry_options *opts,
                                const char *name, const struct registry_creds *creds,
                                registry_distribution_done_fn done, void *userdata,
                                struct ctrd_error *err) {
        struct image_ref ref = { 0 };
        int r = image_ref_parse(name, &ref, err);
        if (r < 0)
                return r;
        struct distribution_job *j = calloc(1, sizeof(*j));
        if (!j || !(j->ref = strdup(ref.digest ? ref.digest : ref.tag)))
                r = ctrd_error_set(err, ENOMEM, "out of memory");
        if (r >= 0)
                r = registry_client_new(opts, ref.domain, ref.path, creds, &j->client, err);
        image_ref_clear(&ref);
        if (r >= 0) {
                j->done = done;
                j->userdata = userdata;
                if ((r = uv_queue_work(loop, &j->work, distribution_work, distribution_after)) < 0)
                        ctrd_error_set(err, -r, "queueing the request");
        }
        if (r < 0 && j) {
                registry_client_free(j->client);
                free(j->ref);
                free(j);
        }
        return r;
}
