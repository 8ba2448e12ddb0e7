/*
 * config.json "mounts": the filesystems every Docker container gets, then
 * the user's mounts and ctrd's /etc files ordered parents first (so a bind
 * at /etc does not hide /etc/hosts), each user mount replacing a default at
 * the same place.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "ctr-json.h"
#include "ctr-mounts.h"
#include "ctr-spec-internal.h"
#include "fs-util.h"
#include "macro.h"

static int add(json_t *list, const char *dst, const char *type, const char *src, json_t *opts) {
        json_t *m = json_pack("{s:s,s:s,s:s,s:o}", "destination", dst, "type", type, "source", src,
                              "options", opts);
        return m && json_array_append_new(list, m) == 0 ? 0 : -ENOMEM;
}

static bool user_has(const struct ctr_mounts *um, const char *dst) {
        for (size_t i = 0; i < um->n; i++)
                if (strcmp(um->v[i].target, dst) == 0)
                        return true;
        return false;
}

static int add_defaults(json_t *list, json_t *host, const struct ctr_mounts *um) {
        bool priv = ctr_jbool(host, "Privileged");
        char shm[64];
        int r = 0;

        snprintf(shm, sizeof(shm), "size=%lld", (long long) ctr_jint(host, "ShmSize"));
        if (!user_has(um, "/proc"))
                r = add(list, "/proc", "proc", "proc",
                        json_pack("[sss]", "nosuid", "noexec", "nodev"));
        if (r == 0 && !user_has(um, "/dev"))
                r = add(list, "/dev", "tmpfs", "tmpfs",
                        json_pack("[ssss]", "nosuid", "strictatime", "mode=755", "size=65536k"));
        if (r == 0 && !user_has(um, "/dev/pts"))
                r = add(list, "/dev/pts", "devpts", "devpts",
                        json_pack("[ssssss]", "nosuid", "noexec", "newinstance", "ptmxmode=0666",
                                  "mode=0620", "gid=5"));
        if (r == 0 && !user_has(um, "/sys"))
                r = add(list, "/sys", "sysfs", "sysfs",
                        json_pack("[ssss]", "nosuid", "noexec", "nodev", priv ? "rw" : "ro"));
        if (r == 0 && !user_has(um, "/sys/fs/cgroup"))
                r = add(list, "/sys/fs/cgroup", "cgroup", "cgroup",
                        json_pack("[ssssss]", "nosuid", "noexec", "nodev", "relatime",
                                  priv ? "rw" : "ro", "rprivate"));
        if (r == 0 && !user_has(um, "/dev/mqueue"))
                r = add(list, "/dev/mqueue", "mqueue", "mqueue",
                        json_pack("[sss]", "nosuid", "noexec", "nodev"));
        if (r == 0 && !user_has(um, "/dev/shm"))
                r = add(list, "/dev/shm", "tmpfs", "shm",
                        json_pack("[sssss]", "nosuid", "noexec", "nodev", "mode=1777", shm));
        return r;
}

/* Docker's tmpfs defaults (noexec unless "exec"), then the filesystem options one by one. */
static json_t *tmpfs_options(const struct ctr_mount *m) {
        _cleanup_free_ char *data = m->data ? strdup(m->data) : NULL;
        json_t *opts = json_pack("[sss]", "nosuid", "nodev", m->readonly ? "ro" : "rw");
        char *save = NULL;

        if (!opts || (m->data && !data) ||
            (!m->exec && json_array_append_new(opts, json_string("noexec")) < 0))
                goto fail;
        for (char *o = data ? strtok_r(data, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save))
                if (json_array_append_new(opts, json_string(o)) < 0)
                        goto fail;
        return opts;
fail:
        json_decref(opts);
        return NULL;
}

static int volume_source(const struct ctr_mount *m, const struct ctr_spec_input *in,
                         char **ret, struct ctrd_error *err) {
        char anon[65];

        if (!in->volumes_root)
                return ctrd_error_set(err, EINVAL, "volume at %s: volumes are not available",
                                      m->target);
        if (!m->source && ctr_spec_anonymous_volume(in->id, m->target, anon) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if (asprintf(ret, "%s/%s/_data", in->volumes_root, m->source ?: anon) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        return 0;
}

/* A -v source that does not exist becomes a directory, as in Docker; files stay files. */
static int create_bind_source(const char *path, struct ctrd_error *err) {
        struct stat st;

        if (lstat(path, &st) == 0)
                return 0;
        if (errno != ENOENT)
                return ctrd_error_sys(err, errno, "stat of %s", path);
        return ctrd_mkdir_p(path, 0755, err);
}

/* One user mount as config.json has it; the host side of binds and volumes is created. */
static int user_mount(const struct ctr_mount *m, const struct ctr_spec_input *in, json_t **ret,
                      struct ctrd_error *err) {
        _cleanup_free_ char *src = NULL;
        json_t *opts;
        int r;

        if (m->type == CTR_MOUNT_TMPFS) {
                opts = tmpfs_options(m);
                *ret = json_pack("{s:s,s:s,s:s,s:o}", "destination", m->target, "type", "tmpfs",
                                 "source", "tmpfs", "options", opts);
                return *ret ? 0 : ctrd_error_set(err, ENOMEM, "out of memory");
        }
        if (m->type == CTR_MOUNT_VOLUME) {
                if ((r = volume_source(m, in, &src, err)) < 0 ||
                    (r = ctrd_mkdir_p(src, 0755, err)) < 0)
                        return r;
        } else if (m->create_source && (r = create_bind_source(m->source, err)) < 0) {
                return ctrd_error_wrap(err, "bind source for %s", m->target);
        }
        *ret = json_pack("{s:s,s:s,s:s,s:[sss]}", "destination", m->target, "type", "bind",
                         "source", src ?: m->source, "options", m->recursive ? "rbind" : "bind",
                         m->propagation ?: "rprivate", m->readonly ? "ro" : "rw");
        return *ret ? 0 : ctrd_error_set(err, ENOMEM, "out of memory");
}

static size_t depth(const char *path) {
        size_t n = 0;
        for (; *path; path++)
                n += *path == '/';
        return n;
}

static bool deeper(json_t *a, json_t *b) {
        return depth(ctr_jstr(a, "destination")) > depth(ctr_jstr(b, "destination"));
}

static int add_etc_file(json_t *sorted, const struct ctr_mounts *um, const char *dst,
                        const char *src) {
        if (!src || user_has(um, dst))
                return 0;
        json_t *m = json_pack("{s:s,s:s,s:s,s:[ss]}", "destination", dst, "type", "bind",
                              "source", src, "options", "rbind", "rprivate");
        return m && json_array_append_new(sorted, m) == 0 ? 0 : -ENOMEM;
}

/* User mounts and /etc files, parents first, ties in their given order. */
static int add_sorted(json_t *list, json_t *sorted) {
        size_t n = json_array_size(sorted);
        _cleanup_free_ json_t **v = calloc(n + 1, sizeof(*v));

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                v[i] = json_array_get(sorted, i);
        for (size_t i = 1; i < n; i++)          /* insertion sort: stable, n is small */
                for (size_t j = i; j > 0 && deeper(v[j - 1], v[j]); j--) {
                        json_t *t = v[j];
                        v[j] = v[j - 1];
                        v[j - 1] = t;
                }
        for (size_t i = 0; i < n; i++)
                if (json_array_append(list, v[i]) < 0)
                        return -ENOMEM;
        return 0;
}

int ctr_spec_mounts(json_t *config, json_t *host, const struct ctr_spec_input *in,
                    json_t **ret, struct ctrd_error *err) {
        _cleanup_(ctr_mounts_free) struct ctr_mounts um = { 0 };
        _cleanup_json_ json_t *list = json_array(), *sorted = json_array();
        int r;

        if (!list || !sorted)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if ((r = ctr_mounts_parse(config, host, &um, err)) < 0)
                return r;
        if (add_defaults(list, host, &um) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; i < um.n; i++) {
                json_t *m;
                if ((r = user_mount(&um.v[i], in, &m, err)) < 0)
                        return r;
                if (json_array_append_new(sorted, m) < 0)
                        return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        if (add_etc_file(sorted, &um, "/etc/resolv.conf", in->resolv_path) < 0 ||
            add_etc_file(sorted, &um, "/etc/hostname", in->hostname_path) < 0 ||
            add_etc_file(sorted, &um, "/etc/hosts", in->hosts_path) < 0 ||
            add_sorted(list, sorted) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        *ret = TAKE_PTR(list);
        return 0;
}
