/*
 * POST /containers/create: validate, resolve the image, merge its config,
 * prepare the root file system, write the record. The OCI spec is built at
 * start, when the network and mounts are known. A failure leaves nothing.
 */
#define LOG_SUBSYSTEM "containers"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "ctr-config.h"
#include "container-internal.h"
#include "container-names.h"
#include "graphdriver.h"
#include "image-service.h"
#include "layer-fs.h"
#include "log.h"
#include "net.h"
#include "store/store.h"

/* "busybox" → "busybox:latest", as Docker's "No such image" message names it. */
static int missing_image(const char *ref, struct ctrd_error *err) {
        const char *slash = strrchr(ref, '/');
        const char *last = slash ? slash + 1 : ref;
        bool tagged = strchr(last, ':') || strchr(ref, '@') || strncmp(ref, "sha256:", 7) == 0;
        return ctrd_error_set(err, ENOENT, "No such image: %s%s", ref, tagged ? "" : ":latest");
}

static int name_conflict(struct ctrd_engine *e, const char *name, struct ctrd_error *err) {
        for (struct ctr *c = e->containers.list; c; c = c->next)
                if (strcmp(c->rec.name, name) == 0)
                        return ctrd_error_set(err, EEXIST,
                                              "Conflict. The container name \"/%s\" is already in use by "
                                              "container \"%s\". You have to remove (or rename) that "
                                              "container to be able to reuse that name.",
                                              name, c->rec.id);
        return 0;
}

static int pick_name(struct ctrd_engine *e, const char *given, char **ret, struct ctrd_error *err) {
        if (given && *given) {
                const char *n = given[0] == '/' ? given + 1 : given;
                if (!ctr_name_is_valid(n))
                        return ctrd_error_set(err, EINVAL, "Invalid container name (%s), only "
                                              "[a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", given);
                int r = name_conflict(e, n, err);
                if (r < 0)
                        return r;
                *ret = strdup(n);
                return *ret ? 0 : ctrd_error_set(err, ENOMEM, "out of memory");
        }
        char buf[64];
        for (int attempt = 0; attempt < 100; attempt++) {
                ctr_name_generate(buf, sizeof(buf));
                if (attempt >= 10)  /* a crowded engine: widen the space with a number */
                        snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%d", attempt);
                if (name_conflict(e, buf, NULL) == 0) {
                        *ret = strdup(buf);
                        return *ret ? 0 : ctrd_error_set(err, ENOMEM, "out of memory");
                }
        }
        return ctrd_error_set(err, EEXIST, "could not generate a free container name");
}

/* A 12-digit short ID that is all decimal reads as a number to some tools: draw again. */
static int new_id(char id[65], struct ctrd_error *err) {
        for (;;) {
                int r = ctr_id_generate(id);
                if (r < 0)
                        return ctrd_error_sys(err, -r, "generating a container ID");
                if (strspn(id, "0123456789") < 12)
                        return 0;
        }
}

static int prepare_rootfs(struct ctrd_engine *e, const char *image_id, const char *dir,
                          struct ctrd_error *err) {
        _cleanup_strv_free_ char **chain = NULL;
        int r = image_layer_chain(e->images, image_id, &chain, err);
        if (r < 0)
                return r;
        size_t n = 0;
        while (chain[n])
                n++;
        _cleanup_free_ char *rootfs = NULL;
        return graphdriver_prepare(e->images->driver, e->images->layers, chain, n, dir, &rootfs, err);
}

/* The image's "config" object (Cmd, Env, ...), or an empty one. */
static json_t *image_runtime_config(struct ctrd_engine *e, const struct store_image *img,
                                    struct ctrd_error *err) {
        struct image_info info;
        if (image_info_load(e->images, img, &info, err) < 0)
                return NULL;
        json_t *cfg = json_object_get(info.config, "config");
        cfg = json_is_object(cfg) ? json_deep_copy(cfg) : json_object();
        image_info_clear(&info);
        if (!cfg)
                ctrd_error_set(err, ENOMEM, "out of memory");
        return cfg;
}

static void discard_dir(struct ctrd_engine *e, const char *dir) {
        struct ctrd_error err = { 0 };
        if (e->images->driver->release(dir, &err) < 0 || layer_fs_remove_path(dir, &err) < 0)
                log_warning("cleaning up '%s' after a failed create: %s, ignoring", dir, err.msg);
}

int ctr_create(struct ctrd_engine *e, json_t *body, const char *name, struct ctr **ret,
               struct ctrd_error *err) {
        /* Every cleanup variable is declared before the first goto. */
        _cleanup_free_ char *cname = NULL, *dir = NULL, *config_text = NULL, *host_text = NULL;
        int r = pick_name(e, name, &cname, err);
        if (r < 0)
                return r;
        json_t *config = NULL, *host = NULL;
        r = ctr_config_validate(body, &config, &host, err);
        if (r < 0)
                return r;

        const char *image = ctr_json_str(config, "Image", "");
        struct store_image img;
        json_t *img_cfg = NULL;
        char id[65];
        if (!*image) {
                r = ctrd_error_set(err, EINVAL, "Config.Image: an image is required");
                goto fail;
        }
        r = image_resolve(e->images, image, &img, err);
        if (r == -ENOENT)
                r = missing_image(image, err);
        if (r < 0)
                goto fail;
        img_cfg = image_runtime_config(e, &img, err);
        if (!img_cfg) {
                r = -err->code;
                goto fail;
        }
        r = ctr_config_merge_image(config, img_cfg, err);
        if (r < 0)
                goto fail;
        r = new_id(id, err);
        if (r < 0)
                goto fail;
        /* With no hostname given Docker shows the short ID, or the host's name
         * with the host's network. */
        if (!*ctr_json_str(config, "Hostname", "")) {
                char hn[256] = "";
                if (strcmp(ctr_json_str(host, "NetworkMode", ""), "host") != 0 ||
                    gethostname(hn, sizeof(hn) - 1) < 0)
                        snprintf(hn, sizeof(hn), "%.12s", id);
                json_object_set_new(config, "Hostname", json_string(hn));
        }

        if (asprintf(&dir, "%s/containers/%s", e->data_root, id) < 0) {
                r = ctrd_error_set(err, ENOMEM, "out of memory");
                goto fail;
        }
        if (mkdir(dir, 0700) < 0) {
                r = ctrd_error_sys(err, errno, "creating '%s'", dir);
                goto fail;
        }
        r = prepare_rootfs(e, img.id, dir, err);
        if (r < 0) {
                discard_dir(e, dir);
                goto fail;
        }

        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        config_text = json_dumps(config, JSON_COMPACT);
        host_text = json_dumps(host, JSON_COMPACT);
        struct store_container rec = {
                .name = cname, .image = (char *) image, .image_id = img.id,
                .created_ns = (int64_t) now.tv_sec * 1000000000 + now.tv_nsec,
                .config = config_text, .host_config = host_text, .state = (char *) "created",
        };
        snprintf(rec.id, sizeof(rec.id), "%s", id);
        r = config_text && host_text ? store_container_add(e->store, &rec, err)
                                     : ctrd_error_set(err, ENOMEM, "out of memory");
        if (r >= 0 && (r = net_container_created(e, id, host, json_object_get(body, "NetworkingConfig"),
                                                 err)) < 0)
                store_container_remove(e->store, id, NULL);
        if (r < 0) {
                discard_dir(e, dir);
                goto fail;
        }

        /* Re-read what was stored, so the in-memory container is exactly the record. */
        struct store_container stored;
        struct ctr *c = NULL;
        r = store_container_get(e->store, id, &stored, err);
        if (r >= 0)
                r = ctr_from_record(e, &stored, &c, err);
        if (r < 0) {
                store_container_clear(&stored);
                store_container_remove(e->store, id, NULL);
                discard_dir(e, dir);
                goto fail;
        }
        ctr_link(e, c);
        ctr_event(c, "create", NULL, NULL);
        log_info("created container %s (%s) from %s", c->rec.id, c->rec.name, image);
        *ret = c;
        r = 0;
fail:
        json_decref(config);
        json_decref(host);
        json_decref(img_cfg);
        return r;
}
