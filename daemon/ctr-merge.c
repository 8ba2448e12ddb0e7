/*
 * Config + the image's config, as Docker merges them at create: the user's
 * value wins where it is set, Env and the maps are merged key by key (the
 * user's entries first), and an Entrypoint given by the user drops the
 * image's Cmd, because that Cmd was written as arguments for the image's
 * own entrypoint.
 */
#include <errno.h>
#include <string.h>

#include "ctr-config.h"
#include "ctr-json.h"

static int nomem(struct ctrd_error *err) {
        return ctrd_error_set(err, ENOMEM, "out of memory");
}

static int take_if_unset(json_t *config, json_t *image, const char *key) {
        json_t *v = ctr_jget(image, key);
        if (!ctr_jis_default(ctr_jget(config, key)) || !v)
                return 0;
        return ctr_jset_new(config, key, json_deep_copy(v));
}

static size_t key_len(const char *kv) {
        return strcspn(kv, "=");
}

static int merge_env(json_t *config, json_t *image) {
        json_t *env = ctr_jget(config, "Env"), *v;
        size_t i;

        if (!ctr_jget(image, "Env"))
                return 0;
        if (!env) {
                env = json_array();
                if (ctr_jset_new(config, "Env", env) < 0)
                        return -ENOMEM;
        }
        size_t user = json_array_size(env);
        json_array_foreach(ctr_jget(image, "Env"), i, v) {
                const char *s = json_string_value(v);
                if (!s)
                        continue;
                /* Only the user's own entries shadow the image's (image duplicates stay). */
                bool found = false;
                for (size_t j = 0; j < user && !found; j++) {
                        const char *u = json_string_value(json_array_get(env, j));
                        found = key_len(u) == key_len(s) && strncmp(u, s, key_len(s)) == 0;
                }
                if (!found && json_array_append(env, v) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int merge_map(json_t *config, json_t *image, const char *key) {
        json_t *into = ctr_jget(config, key), *from = ctr_jget(image, key), *v;
        const char *k;

        if (!json_is_object(from) || json_object_size(from) == 0)
                return 0;
        if (!into) {
                into = json_object();
                if (ctr_jset_new(config, key, into) < 0)
                        return -ENOMEM;
        }
        json_object_foreach(from, k, v)
                if (!json_object_get(into, k) && json_object_set(into, k, v) < 0)
                        return -ENOMEM;
        return 0;
}

static int merge_command(json_t *config, json_t *image) {
        json_t *ep = ctr_jget(config, "Entrypoint");
        int r = 0;

        if (json_array_size(ep) > 0)
                return 0;
        if (json_array_size(ctr_jget(config, "Cmd")) == 0)
                r = ctr_jset(config, "Cmd", ctr_jget(image, "Cmd"));
        /* An explicit empty Entrypoint ([] / "") clears the image's; only null inherits it. */
        if (r == 0 && !ep)
                r = ctr_jset(config, "Entrypoint", ctr_jget(image, "Entrypoint"));
        return r;
}

int ctr_config_merge_image(json_t *config, json_t *image_config, struct ctrd_error *err) {
        static const char *const scalars[] = { "User", "WorkingDir", "StopSignal", "Shell",
                                               NULL };
        static const char *const maps[] = { "ExposedPorts", "Volumes", "Labels", NULL };

        if (!json_is_object(config))
                return ctrd_error_set(err, EINVAL, "config must be an object");
        if (json_is_object(image_config)) {
                for (size_t i = 0; scalars[i]; i++)
                        if (take_if_unset(config, image_config, scalars[i]) < 0)
                                return nomem(err);
                for (size_t i = 0; maps[i]; i++)
                        if (merge_map(config, image_config, maps[i]) < 0)
                                return nomem(err);
                if (merge_env(config, image_config) < 0 || merge_command(config, image_config) < 0)
                        return nomem(err);
        }
        if (json_array_size(ctr_jget(config, "Cmd")) == 0 &&
            json_array_size(ctr_jget(config, "Entrypoint")) == 0)
                return ctrd_error_set(err, EINVAL, "No command specified");
        return 0;
}
