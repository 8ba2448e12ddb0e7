/*
 * GET /images/json, GET /images/{name}/json, GET /images/{name}/history,
 * POST /images/{name}/tag, DELETE /images/{name}, POST /images/prune.
 * Parsing and rendering only; the image service does the work.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "daemon/engine.h"
#include "daemon/graphdriver.h"
#include "daemon/image-config.h"
#include "daemon/image-ref.h"
#include "daemon/image-service.h"
#include "handlers-images.h"
#include "string-util.h"

static struct image_service *svc_of(struct api_request *req) {
        return api_request_engine(req)->images;
}

/* Familiar forms of full references, or null when there are none (list) / [] (inspect). */
static json_t *refs_json(char **refs, bool null_when_empty) {
        if (null_when_empty && (!refs || !refs[0]))
                return json_null();
        json_t *a = json_array();
        for (size_t i = 0; a && refs && refs[i]; i++) {
                _cleanup_free_ char *fam = image_ref_familiarize(refs[i]);
                json_array_append_new(a, json_string(fam ? fam : refs[i]));
        }
        return a;
}

static json_t *config_field(const struct image_info *info, const char *key) {
        json_t *v = json_object_get(json_object_get(info->config, "config"), key);
        return v ? json_incref(v) : json_null();
}

static json_t *summary_json(const struct image_info *info) {
        return json_pack("{s:i, s:I, s:s, s:o, s:s, s:o, s:o, s:i, s:I, s:I}",
                         "Containers", -1,
                         "Created", (json_int_t) info->rec.created,
                         "Id", info->rec.id,
                         "Labels", config_field(info, "Labels"),
                         "ParentId", "",
                         "RepoDigests", refs_json(info->digests, true),
                         "RepoTags", refs_json(info->tags, true),
                         "SharedSize", -1,
                         "Size", (json_int_t) info->rec.size,
                         "VirtualSize", (json_int_t) info->rec.size);
}

/* Filters arrive as {"reference":["bb*"]} or, from old clients, {"reference":{"bb*":true}}. */
static const char *filter_value(json_t *filters, const char *key) {
        json_t *v = json_object_get(filters, key);
        if (json_is_array(v))
                return json_string_value(json_array_get(v, 0));
        if (json_is_object(v)) {
                void *it = json_object_iter(v);
                return it ? json_object_iter_key(it) : NULL;
        }
        return NULL;
}

/* Parses ?filters=; keys outside allowed (NULL-terminated) get Docker's 400. */
static int parse_filters(struct api_request *req, const char *const *allowed, json_t **ret) {
        const char *f = api_request_query(req, "filters");
        const char *key;
        json_t *v;
        *ret = NULL;
        if (!f || !*f)
                return 0;
        json_t *j = json_loads(f, 0, NULL);
        if (!json_is_object(j)) {
                json_decref(j);
                api_reply_error(req, 400, "invalid filter: %s", f);
                return -EINVAL;
        }
        json_object_foreach(j, key, v) {
                size_t i = 0;
                while (allowed[i] && strcmp(allowed[i], key) != 0)
                        i++;
                if (!allowed[i]) {
                        api_reply_error(req, 400, "invalid filter '%s'", key);
                        json_decref(j);
                        return -EINVAL;
                }
        }
        *ret = j;
        return 0;
}

void api_handle_images_list(struct api_request *req) {
        struct ctrd_error err = { 0 };
        static const char *const allowed[] = { "reference", "dangling", NULL };
        json_auto_t *filters = NULL;
        if (parse_filters(req, allowed, &filters) < 0)
                return;
        const char *pattern = filter_value(filters, "reference");
        const char *dangling = filter_value(filters, "dangling");
        int d = dangling ? ctrd_parse_query_bool(dangling) : -1;
        struct image_info *list = NULL;
        size_t n = 0;
        int r = image_list(svc_of(req), pattern, d, &list, &n, &err);
        if (r < 0) {
                api_reply_errno(req, r, &err);
                return;
        }
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++) {
                if (a)
                        json_array_append_new(a, summary_json(&list[i]));
                image_info_clear(&list[i]);
        }
        free(list);
        if (!a)
                api_reply_error(req, 500, "out of memory");
        else
                api_reply_json(req, 200, a);
}

/* Docker's container-config shape, with the image's own values over the defaults. */
static json_t *container_config(const struct image_info *info) {
        json_t *c = json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b, s:b, s:n, s:n, s:s, s:n, "
                              "s:s, s:n, s:n, s:n}",
                              "Hostname", "", "Domainname", "", "User", "",
                              "AttachStdin", 0, "AttachStdout", 0, "AttachStderr", 0,
                              "Tty", 0, "OpenStdin", 0, "StdinOnce", 0,
                              "Env", "Cmd", "Image", "", "Volumes", "WorkingDir", "",
                              "Entrypoint", "OnBuild", "Labels");
        json_t *own = json_object_get(info->config, "config");
        if (c && json_is_object(own))
                json_object_update(c, own);
        return c;
}

static const char *config_str(const struct image_info *info, const char *key, const char *def) {
        const char *s = json_string_value(json_object_get(info->config, key));
        return s ? s : def;
}

static json_t *inspect_json(struct image_service *svc, const struct image_info *info) {
        json_t *history = json_object_get(info->config, "history");
        json_t *last = json_array_get(history, json_array_size(history) - 1);
        const char *comment = json_string_value(json_object_get(last, "comment"));
        json_t *diff_ids = json_object_get(json_object_get(info->config, "rootfs"), "diff_ids");
        return json_pack("{s:s, s:o, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:I, s:I, "
                         "s:{s:s, s:{}}, s:{s:s, s:o}, s:{s:s}}",
                         "Id", info->rec.id,
                         "RepoTags", refs_json(info->tags, false),
                         "RepoDigests", refs_json(info->digests, false),
                         "Parent", "",
                         "Comment", comment ? comment : "",
                         "Created", config_str(info, "created", "0001-01-01T00:00:00Z"),
                         "Container", "",
                         "DockerVersion", config_str(info, "docker_version", ""),
                         "Author", config_str(info, "author", ""),
                         "Config", container_config(info),
                         "Architecture", config_str(info, "architecture", "amd64"),
                         "Os", config_str(info, "os", "linux"),
                         "Size", (json_int_t) info->rec.size,
                         "VirtualSize", (json_int_t) info->rec.size,
                         "GraphDriver", "Name", svc->driver->name, "Data",
                         "RootFS", "Type", "layers", "Layers", diff_ids ? json_incref(diff_ids) : json_array(),
                         "Metadata", "LastTagTime", "0001-01-01T00:00:00Z");
}

/* Looks the {name} parameter up; on failure replies (404 "No such image") and returns < 0. */
static int lookup(struct api_request *req, struct image_info *ret) {
        struct ctrd_error err = { 0 };
        struct store_image rec;
        const char *name = api_request_param(req, "name");
        int r = image_resolve(svc_of(req), name, &rec, &err);
        if (r == -EINVAL)
                r = ctrd_error_set(&err, ENOENT, "No such image: %s", name);
        if (r >= 0)
                r = image_info_load(svc_of(req), &rec, ret, &err);
        if (r < 0)
                api_reply_errno(req, r, &err);
        return r;
}

void api_handle_image_inspect(struct api_request *req) {
        struct image_info info;
        if (lookup(req, &info) < 0)
                return;
        json_t *j = inspect_json(svc_of(req), &info);
        image_info_clear(&info);
        if (!j)
                api_reply_error(req, 500, "out of memory");
        else
                api_reply_json(req, 200, j);
}

/* One entry per history item, newest first; layer sizes pair with non-empty entries. */
static json_t *history_json(struct image_service *svc, const struct image_info *info) {
        json_t *history = json_object_get(info->config, "history");
        json_t *out = json_array();
        _cleanup_strv_free_ char **chain = NULL;
        if (!out || image_layer_chain(svc, info->rec.id, &chain, NULL) < 0)
                return out;
        size_t n_layers = 0, layer = 0, i;
        while (chain[n_layers])
                n_layers++;
        json_t *h;
        json_array_foreach(history, i, h) {
                int64_t created = 0, size = 0;
                image_parse_time(json_string_value(json_object_get(h, "created")), &created);
                if (!json_is_true(json_object_get(h, "empty_layer")) && layer < n_layers) {
                        struct store_layer l;
                        if (store_layer_get(svc->store, chain[layer++], &l, NULL) >= 0)
                                size = l.size;
                }
                bool top = i + 1 == json_array_size(history);
                const char *by = json_string_value(json_object_get(h, "created_by"));
                const char *comment = json_string_value(json_object_get(h, "comment"));
                json_array_insert_new(out, 0, json_pack("{s:s, s:I, s:s, s:o, s:I, s:s}",
                        "Id", top ? info->rec.id : "<missing>", "Created", (json_int_t) created,
                        "CreatedBy", by ? by : "", "Tags", top ? refs_json(info->tags, true) : json_null(),
                        "Size", (json_int_t) size, "Comment", comment ? comment : ""));
        }
        return out;
}

void api_handle_image_history(struct api_request *req) {
        struct image_info info;
        if (lookup(req, &info) < 0)
                return;
        json_t *j = history_json(svc_of(req), &info);
        image_info_clear(&info);
        if (!j)
                api_reply_error(req, 500, "out of memory");
        else
                api_reply_json(req, 200, j);
}

void api_handle_image_tag(struct api_request *req) {
        struct ctrd_error err = { 0 };
        const char *repo = api_request_query(req, "repo");
        if (!repo || !*repo) {
                api_reply_error(req, 400, "repository name (repo) is required");
                return;
        }
        int r = image_tag(svc_of(req), api_request_param(req, "name"), repo,
                          api_request_query(req, "tag"), &err);
        if (r < 0)
                api_reply_errno(req, r, &err);
        else
                api_reply_empty(req, 201);
}

void api_handle_image_delete(struct api_request *req) {
        struct ctrd_error err = { 0 };
        json_t *report = NULL;
        /* noprune is accepted: ctrd keeps no parent images for it to spare. */
        int r = image_remove(svc_of(req), api_request_param(req, "name"),
                             ctrd_parse_query_bool(api_request_query(req, "force")), &report, &err);
        if (r < 0)
                api_reply_errno(req, r, &err);
        else
                api_reply_json(req, 200, report);
}

void api_handle_images_prune(struct api_request *req) {
        struct ctrd_error err = { 0 };
        static const char *const allowed[] = { "dangling", NULL };
        json_auto_t *filters = NULL;
        json_t *report = NULL;
        if (parse_filters(req, allowed, &filters) < 0)
                return;
        const char *dangling = filter_value(filters, "dangling");
        bool all = dangling && !ctrd_parse_query_bool(dangling);
        int r = image_prune(svc_of(req), all, &report, &err);
        if (r < 0)
                api_reply_errno(req, r, &err);
        else
                api_reply_json(req, 200, report);
}
