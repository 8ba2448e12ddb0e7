#include "image-service.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "daemon/digest.h"
#include "daemon/graphdriver.h"
#include "daemon/image-ref.h"
#include "daemon/layer-fs.h"
#include "fs-util.h"
#include "log.h"

#define CONFIG_MAX (8 * 1024 * 1024)

static void closedirp(DIR **d) {
        if (*d)
                closedir(*d);
}

/*
 * A layer directory without a record is what a crash between rename and
 * commit leaves; nothing references it, so it goes at start-up.
 */
static void remove_orphan_layers(struct image_service *svc) {
        _cleanup_(closedirp) DIR *d = opendir(layer_store_root(svc->layers));
        for (struct dirent *de; d && (de = readdir(d)); ) {
                char chain[DIGEST_STR_LEN + 1];
                struct store_layer l;
                if (!digest_is_hex(de->d_name))
                        continue;
                snprintf(chain, sizeof(chain), DIGEST_PREFIX "%.64s", de->d_name);
                if (store_layer_get(svc->store, chain, &l, NULL) == -ENOENT) {
                        struct ctrd_error err = { 0 };
                        if (layer_store_remove(svc->layers, chain, &err) < 0)
                                log_warning("removing orphaned layer %s: %s, ignoring", chain, err.msg);
                }
        }
}

static int make_dirs(struct image_service *svc, const char *data_root, struct ctrd_error *err) {
        if (image_dirs(data_root, &svc->configs_dir, &svc->tmp_dir) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        /* Uploads and half-written archives of a previous run are worthless now. */
        int r = layer_fs_remove_path(svc->tmp_dir, err);
        if (r >= 0)
                r = ctrd_mkdir_p(svc->tmp_dir, 0700, err);
        if (r >= 0)
                r = ctrd_mkdir_p(svc->configs_dir, 0700, err);
        return r;
}

/*
 * overlay is the default, so asking for it where the kernel or the file
 * system cannot do it falls back to copy (with a warning) instead of
 * leaving the daemon unable to run anything.
 */
static int pick_driver(struct image_service *svc, const char *data_root, const char *name,
                       struct ctrd_error *err) {
        const struct graphdriver *want = name ? graphdriver_by_name(name) : NULL;
        if (name && !want)
                return ctrd_error_set(err, EINVAL, "unknown storage driver '%s' (use overlay or copy)",
                                      name);
        if (want == &graphdriver_copy) {
                svc->driver = want;
                return 0;
        }
        svc->driver = graphdriver_detect(data_root);
        if (want && svc->driver != want)
                log_warning("overlay mounts do not work under '%s'; using the copy storage driver",
                            data_root);
        return 0;
}

int image_service_open(uv_loop_t *loop, struct store *store, const char *data_root,
                       const char *driver, struct image_service **ret, struct ctrd_error *err) {
        struct image_service *svc = calloc(1, sizeof(*svc));
        if (!svc)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        svc->loop = loop;
        svc->store = store;
        svc->data_root = strdup(data_root);
        if (!svc->data_root) {
                free(svc);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        int r = make_dirs(svc, data_root, err);
        if (r >= 0)
                r = layer_store_open(data_root, &svc->layers, err);
        if (r >= 0)
                r = pick_driver(svc, data_root, driver, err);
        if (r < 0) {
                image_service_free(svc);
                return ctrd_error_wrap(err, "opening the image store");
        }
        remove_orphan_layers(svc);
        *ret = svc;
        return 0;
}

void image_service_free(struct image_service *svc) {
        if (!svc)
                return;
        layer_store_free(svc->layers);
        free(svc->data_root);
        free(svc->configs_dir);
        free(svc->tmp_dir);
        free(svc);
}

static int resolve_reference(struct image_service *svc, const char *name, struct store_image *ret,
                             struct ctrd_error *err) {
        struct image_ref ref = { 0 };
        int r = image_ref_parse(name, &ref, err);
        if (r < 0)
                return r;
        _cleanup_free_ char *full = NULL;
        /* "name:tag@digest" is looked up by its digest, as Docker does. */
        if (ref.digest) {
                free(ref.tag);
                ref.tag = NULL;
        }
        full = image_ref_string(&ref, false);
        image_ref_clear(&ref);
        if (!full)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        char id[STORE_DIGEST_MAX];
        r = store_ref_get(svc->store, full, id, NULL);
        if (r < 0)
                return r == -ENOENT ? ctrd_error_set(err, ENOENT, "No such image: %s", name) : r;
        return store_image_get(svc->store, id, ret, err);
}

int image_resolve(struct image_service *svc, const char *name, struct store_image *ret,
                  struct ctrd_error *err) {
        const char *hex = name;
        if (strncmp(name, DIGEST_PREFIX, strlen(DIGEST_PREFIX)) == 0)
                hex = name + strlen(DIGEST_PREFIX);
        size_t n = strspn(hex, "0123456789abcdef");
        if (hex[n] == '\0' && n > 0 && n <= DIGEST_HEX_LEN) {
                int r = store_image_find_prefix(svc->store, hex, ret, NULL);
                /* A short all-hex word ("abc") may also be a repository name. */
                if (r >= 0 || hex != name || n == DIGEST_HEX_LEN)
                        return r >= 0 ? 0 : ctrd_error_set(err, ENOENT, "No such image: %s", name);
        }
        return resolve_reference(svc, name, ret, err);
}

int image_service_run_worker(struct image_service *svc, const struct image_worker_job *job,
                             struct ctrd_error *err) {
        return image_worker_start(svc->loop, svc->worker_path, svc->data_root, job, err);
}

char *image_config_path(struct image_service *svc, const char *image_id) {
        return image_config_path_in(svc->configs_dir, image_id);
}

int image_info_load(struct image_service *svc, const struct store_image *rec,
                    struct image_info *ret, struct ctrd_error *err) {
        struct image_info info = { .rec = *rec };
        _cleanup_free_ char *path = image_config_path(svc, rec->id), *text = NULL;
        size_t len = 0;
        if (!path)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        int r = ctrd_read_file(path, CONFIG_MAX, &text, &len, err);
        if (r >= 0) {
                json_error_t jerr;
                info.config = json_loadb(text, len, 0, &jerr);
                if (!info.config)
                        r = ctrd_error_set(err, EBADMSG, "config of %s is damaged: %s", rec->id,
                                           jerr.text);
        }
        if (r >= 0)
                r = store_ref_list(svc->store, rec->id, false, &info.tags, err);
        if (r >= 0)
                r = store_ref_list(svc->store, rec->id, true, &info.digests, err);
        if (r < 0) {
                image_info_clear(&info);
                return r;
        }
        *ret = info;
        return 0;
}

void image_info_clear(struct image_info *info) {
        strv_free(info->tags);
        strv_free(info->digests);
        json_decref(info->config);
        *info = (struct image_info) { 0 };
}

int image_layer_chain(struct image_service *svc, const char *image_id, char ***ret,
                      struct ctrd_error *err) {
        struct store_image img;
        int r = store_image_get(svc->store, image_id, &img, err);
        if (r < 0)
                return r;
        /* Walk parents from the top layer, then reverse into bottom-first order. */
        size_t n = 0;
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));
        char cur[STORE_DIGEST_MAX];
        snprintf(cur, sizeof(cur), "%s", img.top_layer);
        while (l && *cur) {
                struct store_layer layer;
                r = store_layer_get(svc->store, cur, &layer, err);
                if (r < 0)
                        return r;
                char **nl = reallocarray(l, n + 2, sizeof(char *));
                if (!nl || !(nl[n] = strdup(cur)))
                        return ctrd_error_set(err, ENOMEM, "out of memory");
                l = nl;
                l[++n] = NULL;
                memcpy(cur, layer.parent, sizeof(cur));
        }
        if (!l)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; i < n / 2; i++) {
                char *t = l[i];
                l[i] = l[n - 1 - i];
                l[n - 1 - i] = t;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

/* Docker's reference filter: a glob against "name" or "name:tag", familiar or full. */
static bool matches_pattern(char **tags, const char *pattern) {
        for (size_t i = 0; tags && tags[i]; i++) {
                _cleanup_free_ char *fam = image_ref_familiarize(tags[i]);
                if (!fam)
                        continue;
                char *colon = strrchr(fam, ':');
                char *slash = strrchr(fam, '/');
                if (fnmatch(pattern, fam, 0) == 0 || fnmatch(pattern, tags[i], 0) == 0)
                        return true;
                if (colon && (!slash || colon > slash)) {
                        *colon = '\0';
                        if (fnmatch(pattern, fam, 0) == 0)
                                return true;
                }
        }
        return false;
}

int image_list(struct image_service *svc, const char *pattern, int dangling,
               struct image_info **ret, size_t *ret_n, struct ctrd_error *err) {
        _cleanup_free_ struct store_image *recs = NULL;
        size_t n = 0, k = 0;
        int r = store_image_list(svc->store, &recs, &n, err);
        if (r < 0)
                return r;
        struct image_info *out = calloc(n + 1, sizeof(*out));
        if (!out)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; i < n && r >= 0; i++) {
                r = image_info_load(svc, &recs[i], &out[k], err);
                if (r < 0)
                        break;
                bool is_dangling = !out[k].tags[0];
                if ((pattern && !matches_pattern(out[k].tags, pattern)) ||
                    (dangling >= 0 && is_dangling != (dangling > 0)))
                        image_info_clear(&out[k]);
                else
                        k++;
        }
        if (r < 0) {
                for (size_t i = 0; i <= k && i < n; i++)
                        image_info_clear(&out[i]);
                free(out);
                return r;
        }
        *ret = out;
        *ret_n = k;
        return 0;
}

int image_tag(struct image_service *svc, const char *name, const char *repo, const char *tag,
              struct ctrd_error *err) {
        struct store_image img;
        struct image_ref ref = { 0 };
        int r = image_resolve(svc, name, &img, err);
        if (r < 0)
                return r;
        r = image_ref_parse_repo_tag(repo, tag, &ref, err);
        if (r < 0)
                return r;
        _cleanup_free_ char *full = image_ref_string(&ref, false);
        image_ref_clear(&ref);
        if (!full)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        r = store_ref_set(svc->store, full, img.id, false, err);
        if (r >= 0)
                image_event(svc, "tag", img.id, full);
        return r;
}

void image_event(struct image_service *svc, const char *action, const char *id, const char *name) {
        if (!svc->event || !action)
                return;
        _cleanup_free_ char *fam = name ? image_ref_familiarize(name) : NULL;
        svc->event(svc->event_data, action, id, fam ? fam : name);
}

