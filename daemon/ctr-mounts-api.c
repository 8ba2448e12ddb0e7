/*
 * HostConfig.Mounts entries ({"Type":"bind","Source":...,"Target":...}) and
 * tmpfs options, with Docker's "invalid mount config for type ..." messages.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "ctr-json.h"
#include "ctr-mounts-internal.h"

#define MOUNT_ERR "invalid mount config for type \"%s\": "

static const char *const tmpfs_flags[] = {
        "ro", "rw", "suid", "nosuid", "dev", "nodev", "atime", "noatime", "diratime",
        "nodiratime", "relatime", "norelatime", "strictatime", "nostrictatime", "sync",
        "async", "dirsync", "mand", "nomand", NULL,
};
static const char *const tmpfs_keys[] = { "size=", "mode=", "uid=", "gid=", "nr_inodes=",
                                          "nr_blocks=", "mpol=", NULL };

static bool in_list(const char *const *list, const char *s, bool prefix) {
        for (size_t i = 0; list[i]; i++)
                if (prefix ? strncmp(s, list[i], strlen(list[i])) == 0 : strcmp(s, list[i]) == 0)
                        return true;
        return false;
}

static int append(char **data, const char *opt) {
        size_t old = *data ? strlen(*data) : 0, n = strlen(opt);
        char *p = realloc(*data, old + n + 2);
        if (!p)
                return -ENOMEM;
        if (old)
                p[old++] = ',';
        memcpy(p + old, opt, n + 1);
        *data = p;
        return 0;
}

int ctr_tmpfs_options(const char *opts, char **data, bool *readonly, bool *exec,
                      struct ctrd_error *err) {
        _cleanup_free_ char *dup = strdup(opts ?: "");
        char *save = NULL;

        if (!dup)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        for (char *o = strtok_r(dup, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
                if (strcmp(o, "exec") == 0 || strcmp(o, "noexec") == 0) {
                        *exec = strcmp(o, "exec") == 0;
                        continue;
                }
                if (strcmp(o, "ro") == 0 || strcmp(o, "rw") == 0) {
                        *readonly = strcmp(o, "ro") == 0;
                        continue;
                }
                if (!in_list(tmpfs_flags, o, false) && !in_list(tmpfs_keys, o, true))
                        return ctrd_error_set(err, EINVAL, "invalid tmpfs option \"%s\"", o);
                if (append(data, o) < 0)
                        return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        return 0;
}

static int check_keys(json_t *m, const char *type, struct ctrd_error *err) {
        static const char *const opts[] = { "BindOptions", "VolumeOptions", "TmpfsOptions" };
        static const char *const types[] = { "bind", "volume", "tmpfs" };
        int r;

        for (size_t i = 0; i < 3; i++) {
                if ((r = ctr_jcheck(json_object_get(m, opts[i]), CTR_J_OBJECT, opts[i],
                                    err)) < 0)
                        return r;
                if (ctr_jget(m, opts[i]) && strcmp(type, types[i]))
                        return ctrd_error_set(err, EINVAL, MOUNT_ERR "field %s must not be "
                                              "specified", type, opts[i]);
        }
        return 0;
}

static int api_bind(json_t *m, struct ctr_mount *out, struct ctrd_error *err) {
        json_t *bo = ctr_jget(m, "BindOptions");
        const char *src = ctr_jstr(m, "Source"), *prop = ctr_jstr(bo, "Propagation");
        static const char *const props[] = { "private", "rprivate", "shared", "rshared",
                                             "slave", "rslave", NULL };
        int r;

        if (!*src)
                return ctrd_error_set(err, EINVAL, MOUNT_ERR "field Source must not be empty",
                                      "bind");
        if (src[0] != '/')
                return ctrd_error_set(err, EINVAL, MOUNT_ERR "invalid mount path: '%s' mount "
                                      "path must be absolute", "bind", src);
        if ((r = ctr_mount_clean_path(src, &out->source)) < 0)
                return ctrd_error_set(err, r == -ENOMEM ? ENOMEM : EINVAL,
                                      MOUNT_ERR "bind source path must not contain '..': %s",
                                      "bind", src);
        out->recursive = !ctr_jbool(bo, "NonRecursive");
        for (size_t i = 0; *prop && props[i]; i++)
                if (strcmp(props[i], prop) == 0)
                        out->propagation = props[i];
        if (*prop && !out->propagation)
                return ctrd_error_set(err, EINVAL, MOUNT_ERR "invalid propagation mode: %s",
                                      "bind", prop);
        return 0;
}

static int api_volume(json_t *m, struct ctr_mount *out, struct ctrd_error *err) {
        json_t *vo = ctr_jget(m, "VolumeOptions");
        const char *src = ctr_jstr(m, "Source");
        const char *driver = ctr_jstr(ctr_jget(vo, "DriverConfig"), "Name");

        if (*driver && strcmp(driver, "local"))
                return ctrd_error_set(err, EINVAL, "volume driver \"%s\" is not supported by ctrd",
                                      driver);
        if (!*src)
                return 0;
        if (!ctr_volume_name_valid(src))
                return ctrd_error_set(err, EINVAL, MOUNT_ERR "invalid volume name: %s", "volume",
                                      src);
        out->source = strdup(src);
        return out->source ? 0 : ctrd_error_set(err, ENOMEM, "out of memory");
}

static int api_tmpfs(json_t *m, struct ctr_mount *out, struct ctrd_error *err) {
        json_t *to = ctr_jget(m, "TmpfsOptions");
        int64_t size = ctr_jint(to, "SizeBytes"), mode = ctr_jint(to, "Mode");
        char opt[64];
        int r;

        if (*ctr_jstr(m, "Source"))
                return ctrd_error_set(err, EINVAL, MOUNT_ERR "field Source must not be "
                                      "specified", "tmpfs");
        if ((r = ctr_jcheck(json_object_get(to, "SizeBytes"), CTR_J_INT, "TmpfsOptions.SizeBytes",
                            err)) < 0 ||
            (r = ctr_jcheck(json_object_get(to, "Mode"), CTR_J_INT, "TmpfsOptions.Mode", err)) < 0)
                return r;
        if (size < 0 || mode < 0 || mode > 07777)
                return ctrd_error_set(err, EINVAL, MOUNT_ERR "invalid TmpfsOptions", "tmpfs");
        if (size > 0) {
                snprintf(opt, sizeof(opt), "size=%lld", (long long) size);
                if (append(&out->data, opt) < 0)
                        return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        if (mode > 0) {
                snprintf(opt, sizeof(opt), "mode=%llo", (unsigned long long) mode);
                if (append(&out->data, opt) < 0)
                        return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        return 0;
}

int ctr_mount_from_api(json_t *m, size_t i, struct ctr_mounts *out, struct ctrd_error *err) {
        static const char *const keys[] = { "Type", "Source", "Target" };
        char field[64];
        int r;

        if (!json_is_object(m))
                return ctrd_error_set(err, EINVAL, "HostConfig.Mounts[%zu]: expected an object", i);
        for (size_t k = 0; k < 3; k++) {
                snprintf(field, sizeof(field), "HostConfig.Mounts.%s", keys[k]);
                if ((r = ctr_jcheck(json_object_get(m, keys[k]), CTR_J_STRING, field, err)) < 0)
                        return r;
        }
        if ((r = ctr_jcheck(json_object_get(m, "ReadOnly"), CTR_J_BOOL,
                            "HostConfig.Mounts.ReadOnly", err)) < 0)
                return r;
        const char *type = ctr_jstr(m, "Type"), *target = ctr_jstr(m, "Target");
        struct ctr_mount *e = ctr_mounts_add(out);
        if (!e)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if (strcmp(type, "bind") && strcmp(type, "volume") && strcmp(type, "tmpfs"))
                return ctrd_error_set(err, EINVAL, MOUNT_ERR "mount type unknown", type);
        if ((r = check_keys(m, type, err)) < 0)
                return r;
        if (!*target)
                return ctrd_error_set(err, EINVAL, MOUNT_ERR "field Target must not be empty",
                                      type);
        if (ctr_mount_clean_path(target, &e->target) < 0 || strcmp(e->target, "/") == 0)
                return ctrd_error_set(err, EINVAL, MOUNT_ERR "invalid mount path: '%s' mount "
                                      "path must be absolute and not '/'", type, target);
        e->readonly = ctr_jbool(m, "ReadOnly");
        e->origin = CTR_FROM_MOUNTS;
        if (strcmp(type, "bind") == 0) {
                e->type = CTR_MOUNT_BIND;
                return api_bind(m, e, err);
        }
        if (strcmp(type, "volume") == 0) {
                e->type = CTR_MOUNT_VOLUME;
                return api_volume(m, e, err);
        }
        e->type = CTR_MOUNT_TMPFS;
        return api_tmpfs(m, e, err);
}
