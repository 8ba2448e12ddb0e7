/*
 * Binds, Tmpfs and Config.Volumes -> struct ctr_mounts (HostConfig.Mounts is
 * ctr-mounts-api.c). Docker's checks: absolute targets other than "/", no
 * mount point twice, sources that are absolute host paths or volume names.
 */
#include "ctr-mounts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "ctr-json.h"
#include "ctr-mounts-internal.h"

static const char *const propagations[] = { "private", "rprivate", "shared", "rshared",
                                            "slave", "rslave", NULL };

bool ctr_volume_name_valid(const char *name) {
        size_t n = strlen(name);
        if (n < 2 || !strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
                             name[0]))
                return false;
        return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
               n;
}

struct ctr_mount *ctr_mounts_add(struct ctr_mounts *m) {
        struct ctr_mount *v = realloc(m->v, (m->n + 1) * sizeof(*v));
        if (!v)
                return NULL;
        m->v = v;
        memset(&v[m->n], 0, sizeof(*v));
        return &v[m->n++];
}

int ctr_mount_clean_path(const char *in, char **ret) {
        char *out;
        size_t o = 0;

        if (in[0] != '/')
                return -EINVAL;
        out = malloc(strlen(in) + 2);
        if (!out)
                return -ENOMEM;
        for (const char *p = in; *p;) {
                size_t len;
                while (*p == '/')
                        p++;
                len = strcspn(p, "/");
                if (len == 0)
                        break;
                if ((len == 2 && strncmp(p, "..", 2) == 0)) {
                        free(out);
                        return -EINVAL;
                }
                if (!(len == 1 && *p == '.')) {
                        out[o++] = '/';
                        memcpy(out + o, p, len);
                        o += len;
                }
                p += len;
        }
        if (o == 0)
                out[o++] = '/';
        out[o] = '\0';
        *ret = out;
        return 0;
}

static int bind_mode(const char *mode, struct ctr_mount *m,
                     struct ctrd_error *err) {
        _cleanup_free_ char *dup = strdup(mode);
        bool seen_rw = false, seen_prop = false;
        char *save = NULL;

        if (!dup)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        for (char *o = strtok_r(dup, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
                bool prop = false;
                for (size_t i = 0; propagations[i]; i++)
                        if (strcmp(o, propagations[i]) == 0) {
                                prop = true;
                                m->propagation = propagations[i];
                        }
                if (prop && !seen_prop) {
                        seen_prop = true;
                        continue;
                }
                if (!prop && !seen_rw && (strcmp(o, "ro") == 0 || strcmp(o, "rw") == 0)) {
                        seen_rw = true;
                        m->readonly = strcmp(o, "ro") == 0;
                        continue;
                }
                /* SELinux relabel and nocopy have no meaning here; they are accepted as no-ops. */
                if (!prop && (strcmp(o, "z") == 0 || strcmp(o, "Z") == 0 ||
                              strcmp(o, "nocopy") == 0))
                        continue;
                return ctrd_error_set(err, EINVAL, "invalid mode: %s", mode);
        }
        return 0;
}

static int parse_bind(const char *spec, struct ctr_mounts *out, struct ctrd_error *err) {
        _cleanup_free_ char *dup = strdup(spec);
        char *parts[4] = { 0 }, *save = NULL;
        size_t n = 0;
        int r;

        if (!dup)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        for (char *p = strtok_r(dup, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
                if (n == 3)
                        return ctrd_error_set(err, EINVAL, "invalid volume specification: '%s'",
                                              spec);
                parts[n++] = p;
        }
        if (n == 0)
                return ctrd_error_set(err, EINVAL, "invalid volume specification: '%s'", spec);
        struct ctr_mount *m = ctr_mounts_add(out);
        if (!m)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        m->recursive = true;
        const char *src = n == 1 ? NULL : parts[0], *dst = n == 1 ? parts[0] : parts[1];
        if ((r = ctr_mount_clean_path(dst, &m->target)) < 0 || strcmp(m->target, "/") == 0)
                return ctrd_error_set(err, r == -ENOMEM ? ENOMEM : EINVAL,
                                      "invalid volume specification: '%s': invalid mount config "
                                      "for type \"%s\": invalid mount path: '%s' mount path must "
                                      "be absolute and not '/'",
                                      spec, src && src[0] == '/' ? "bind" : "volume", dst);
        m->origin = CTR_FROM_BINDS;
        if (n == 3 && ((r = bind_mode(parts[2], m, err)) < 0 || !(m->mode = strdup(parts[2]))))
                return r < 0 ? r : ctrd_error_set(err, ENOMEM, "out of memory");
        if (!src) {
                m->type = CTR_MOUNT_VOLUME;
                return 0;
        }
        if (src[0] != '/') {
                if (!ctr_volume_name_valid(src))
                        return ctrd_error_set(err, EINVAL,
                                              "create %s: \"%s\" includes invalid characters for "
                                              "a local volume name, only "
                                              "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. "
                                              "If you intended to pass a host "
                                              "directory, use absolute path", src, src);
                m->type = CTR_MOUNT_VOLUME;
                m->source = strdup(src);
                return m->source ? 0 : ctrd_error_set(err, ENOMEM, "out of memory");
        }
        m->type = CTR_MOUNT_BIND;
        m->create_source = true;
        if ((r = ctr_mount_clean_path(src, &m->source)) < 0)
                return ctrd_error_set(err, r == -ENOMEM ? ENOMEM : EINVAL,
                                      "invalid mount config for type \"bind\": bind source path "
                                      "must not contain '..': %s", src);
        return 0;
}

static int parse_tmpfs_map(json_t *tmpfs, struct ctr_mounts *out, struct ctrd_error *err) {
        const char *dst;
        json_t *v;
        int r;

        json_object_foreach(tmpfs, dst, v) {
                struct ctr_mount *m = ctr_mounts_add(out);
                if (!m)
                        return ctrd_error_set(err, ENOMEM, "out of memory");
                m->type = CTR_MOUNT_TMPFS;
                m->origin = CTR_FROM_TMPFS;
                if ((r = ctr_mount_clean_path(dst, &m->target)) < 0 || strcmp(m->target, "/") == 0)
                        return ctrd_error_set(err, EINVAL,
                                              "invalid tmpfs mount point: '%s' must be absolute "
                                              "and not '/'", dst);
                if ((r = ctr_tmpfs_options(json_string_value(v), &m->data, &m->readonly, &m->exec,
                                           err)) < 0)
                        return r;
        }
        return 0;
}

static bool has_target(const struct ctr_mounts *m, size_t upto, const char *target) {
        for (size_t i = 0; i < upto; i++)
                if (strcmp(m->v[i].target, target) == 0)
                        return true;
        return false;
}

/* Config.Volumes: an anonymous volume at each target no other mount covers. */
static int add_config_volumes(json_t *volumes, struct ctr_mounts *out, struct ctrd_error *err) {
        size_t explicit = out->n;
        const char *dst;
        json_t *v;

        json_object_foreach(volumes, dst, v) {
                _cleanup_free_ char *target = NULL;
                if (ctr_mount_clean_path(dst, &target) < 0 || strcmp(target, "/") == 0)
                        return ctrd_error_set(err, EINVAL,
                                              "invalid volume specification: '%s': mount path "
                                              "must be absolute and not '/'", dst);
                if (has_target(out, explicit, target))
                        continue;
                struct ctr_mount *m = ctr_mounts_add(out);
                if (!m)
                        return ctrd_error_set(err, ENOMEM, "out of memory");
                m->type = CTR_MOUNT_VOLUME;
                m->origin = CTR_FROM_VOLUMES;
                m->target = TAKE_PTR(target);
        }
        return 0;
}

int ctr_mounts_parse(json_t *config, json_t *host, struct ctr_mounts *ret,
                     struct ctrd_error *err) {
        _cleanup_(ctr_mounts_free) struct ctr_mounts out = { 0 };
        json_t *v;
        size_t i;
        int r;

        json_array_foreach(ctr_jget(host, "Binds"), i, v)
                if ((r = parse_bind(json_string_value(v), &out, err)) < 0)
                        return r;
        json_array_foreach(ctr_jget(host, "Mounts"), i, v)
                if ((r = ctr_mount_from_api(v, i, &out, err)) < 0)
                        return r;
        if ((r = parse_tmpfs_map(ctr_jget(host, "Tmpfs"), &out, err)) < 0)
                return r;
        for (i = 1; i < out.n; i++)
                if (has_target(&out, i, out.v[i].target))
                        return ctrd_error_set(err, EINVAL, "Duplicate mount point: %s",
                                              out.v[i].target);
        if ((r = add_config_volumes(ctr_jget(config, "Volumes"), &out, err)) < 0)
                return r;
        *ret = out;
        out = (struct ctr_mounts) { 0 };
        return 0;
}

int ctr_mounts_check(json_t *config, json_t *host, struct ctrd_error *err) {
        _cleanup_(ctr_mounts_free) struct ctr_mounts m = { 0 };
        int r = ctr_mounts_parse(config, host, &m, err);
        if (r < 0)
                return r;
        for (size_t i = 0; i < m.n; i++) {
                struct stat st;
                if (m.v[i].type != CTR_MOUNT_BIND || m.v[i].create_source)
                        continue;
                if (stat(m.v[i].source, &st) < 0)
                        return ctrd_error_set(err, EINVAL,
                                              "invalid mount config for type \"bind\": bind "
                                              "source path does not exist: %s", m.v[i].source);
        }
        return 0;
}

void ctr_mounts_free(struct ctr_mounts *m) {
        for (size_t i = 0; i < m->n; i++) {
                free(m->v[i].source);
                free(m->v[i].target);
                free(m->v[i].data);
                free(m->v[i].mode);
        }
        free(m->v);
        *m = (struct ctr_mounts) { 0 };
}
