/* -v, --mount and --tmpfs: the three spellings of a container mount. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "flags.h"

/* The mode words docker accepts after the second colon of -v. */
static bool volume_mode_valid(const char *modes) {
        static const char *const known[] = {
                "ro", "rw", "z", "Z", "shared", "rshared", "slave", "rslave", "private",
                "rprivate", "nocopy", "consistent", "cached", "delegated",
        };
        _cleanup_free_ char *copy = strdup(modes);
        if (!copy)
                return false;
        char *save = NULL;
        for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
                bool found = false;
                for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
                        found = found || strcmp(known[i], w) == 0;
                if (!found)
                        return false;
        }
        return true;
}

int ctl_add_volume(json_t *binds, json_t *volumes, const char *s, struct ctrd_error *err) {
        _cleanup_free_ char *copy = strdup(s);
        if (!copy)
                return -ENOMEM;
        char *parts[4] = { 0 };
        size_t n = 0;
        for (char *p = copy; p && n < 4; n++) {
                parts[n] = p;
                p = strchr(p, ':');
                if (p)
                        *p++ = '\0';
        }
        if (n > 3 || (n == 3 && strchr(parts[2], ':')))
                return ctrd_error_set(err, EINVAL, "invalid volume specification: '%s'", s);
        const char *dst = n == 1 ? parts[0] : parts[1];
        if (dst[0] != '/')
                return ctrd_error_set(err, EINVAL, "invalid volume specification: '%s': "
                                      "mount path must be absolute", s);
        if (n == 1)
                return json_object_set_new(volumes, dst, json_object()) < 0 ? -ENOMEM : 0;
        if (parts[0][0] == '\0')
                return ctrd_error_set(err, EINVAL, "invalid volume specification: '%s'", s);
        if (n == 3 && !volume_mode_valid(parts[2]))
                return ctrd_error_set(err, EINVAL, "invalid mode: %s", parts[2]);
        return json_array_append_new(binds, json_string(s)) < 0 ? -ENOMEM : 0;
}

/* A --mount boolean: the bare key means true. */
static int mount_bool(const char *key, const char *value, bool *ret, struct ctrd_error *err) {
        if (!value || strcmp(value, "true") == 0 || strcmp(value, "1") == 0)
                *ret = true;
        else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0)
                *ret = false;
        else
                return ctrd_error_set(err, EINVAL, "invalid value for %s: %s", key, value);
        return 0;
}

/* Sets obj[section][key] = v, creating the section object on first use. */
static int set_in(json_t *obj, const char *section, const char *key, json_t *v) {
        json_t *sec = json_object_get(obj, section);
        if (!sec) {
                sec = json_object();
                if (json_object_set_new(obj, section, sec) < 0) {
                        json_decref(v);
                        return -ENOMEM;
                }
        }
        return json_object_set_new(sec, key, v) < 0 ? -ENOMEM : 0;
}

/* One key[=value] field of --mount applied to the mount object m. */
static int mount_field(json_t *m, const char *key, const char *value, struct ctrd_error *err) {
        if (strcmp(key, "readonly") == 0 || strcmp(key, "ro") == 0) {
                bool ro;
                int r = mount_bool(key, value, &ro, err);
                return r < 0 ? r : json_object_set_new(m, "ReadOnly", json_boolean(ro));
        }
        if (strcmp(key, "volume-nocopy") == 0) {
                bool nocopy;
                int r = mount_bool(key, value, &nocopy, err);
                return r < 0 ? r : set_in(m, "VolumeOptions", "NoCopy", json_boolean(nocopy));
        }
        if (!value)
                return ctrd_error_set(err, EINVAL, "invalid field '%s' must be a key=value pair", key);
        if (strcmp(key, "type") == 0)
                return json_object_set_new(m, "Type", json_string(value));
        if (strcmp(key, "source") == 0 || strcmp(key, "src") == 0)
                return json_object_set_new(m, "Source", json_string(value));
        if (strcmp(key, "target") == 0 || strcmp(key, "destination") == 0 ||
            strcmp(key, "dst") == 0)
                return json_object_set_new(m, "Target", json_string(value));
        if (strcmp(key, "consistency") == 0)
                return json_object_set_new(m, "Consistency", json_string(value));
        if (strcmp(key, "bind-propagation") == 0)
                return set_in(m, "BindOptions", "Propagation", json_string(value));
        if (strcmp(key, "volume-driver") == 0)
                return set_in(m, "VolumeOptions", "DriverConfig", json_pack("{s:s}", "Name", value));
        if (strcmp(key, "tmpfs-size") == 0) {
                int64_t size;
                int r = ctl_parse_ram(value, &size, err);
                return r < 0 ? r : set_in(m, "TmpfsOptions", "SizeBytes", json_integer(size));
        }
        if (strcmp(key, "tmpfs-mode") == 0) {
                char *end;
                long mode = strtol(value, &end, 8);
                if (*value == '\0' || *end != '\0' || mode < 0 || mode > 07777)
                        return ctrd_error_set(err, EINVAL, "invalid value for tmpfs-mode: %s", value);
                return set_in(m, "TmpfsOptions", "Mode", json_integer(mode));
        }
        return ctrd_error_set(err, EINVAL, "unexpected key '%s' in '%s=%s'", key, key, value);
}

/* The options of one mount type may not appear on another (docker's rule). */
static int mount_check(json_t *m, struct ctrd_error *err) {
        const char *type = json_string_value(json_object_get(m, "Type"));
        static const struct { const char *section, *type, *prefix; } owners[] = {
                { "BindOptions", "bind", "bind-*" },
                { "VolumeOptions", "volume", "volume-*" },
                { "TmpfsOptions", "tmpfs", "tmpfs-*" },
        };
        for (size_t i = 0; i < sizeof(owners) / sizeof(owners[0]); i++)
                if (json_object_get(m, owners[i].section) && strcmp(type, owners[i].type) != 0)
                        return ctrd_error_set(err, EINVAL, "cannot mix '%s' options with mount "
                                              "type '%s'", owners[i].prefix, type);
        if (!json_object_get(m, "Target"))
                return ctrd_error_set(err, EINVAL, "target is required");
        if (strcmp(type, "bind") == 0 && !json_object_get(m, "Source"))
                return ctrd_error_set(err, EINVAL, "source is required when specifying bind mounts");
        return 0;
}

int ctl_add_mount(json_t *mounts, const char *s, struct ctrd_error *err) {
        _cleanup_free_ char *copy = strdup(s);
        json_t *m = json_pack("{s:s}", "Type", "volume");
        if (!copy || !m) {
                json_decref(m);
                return -ENOMEM;
        }
        char *save = NULL;
        int r = 0;
        for (char *f = strtok_r(copy, ",", &save); f && r >= 0; f = strtok_r(NULL, ",", &save)) {
                char *eq = strchr(f, '=');
                if (eq)
                        *eq++ = '\0';
                r = mount_field(m, f, eq, err);
        }
        if (r >= 0)
                r = mount_check(m, err);
        if (r < 0) {
                json_decref(m);
                return r;
        }
        return json_array_append_new(mounts, m) < 0 ? -ENOMEM : 0;
}

int ctl_add_tmpfs(json_t *tmpfs, const char *s, struct ctrd_error *err) {
        const char *colon = strchr(s, ':');
        size_t dlen = colon ? (size_t) (colon - s) : strlen(s);
        if (dlen == 0 || s[0] != '/')
                return ctrd_error_set(err, EINVAL, "invalid tmpfs '%s': the path must be absolute", s);
        _cleanup_free_ char *dst = strndup(s, dlen);
        if (!dst)
                return -ENOMEM;
        return json_object_set_new(tmpfs, dst, json_string(colon ? colon + 1 : "")) < 0 ? -ENOMEM : 0;
}
