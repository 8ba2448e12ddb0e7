/*
 * config.json "linux" -> struct rt_spec: namespaces, id mappings, cgroup
 * path and resources, masked / read-only paths, propagation, devices,
 * sysctls and the seccomp profile.
 */
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "names.h"
#include "spec-internal.h"
#include "spec-json.h"

static const struct {
        const char *name;
        int flag;
} ns_types[] = {
        { "pid", CLONE_NEWPID },   { "network", CLONE_NEWNET }, { "mount", CLONE_NEWNS },
        { "ipc", CLONE_NEWIPC },   { "uts", CLONE_NEWUTS },     { "user", CLONE_NEWUSER },
        { "cgroup", CLONE_NEWCGROUP },
};

static int parse_namespaces(json_t *lx, struct rt_spec *s, struct ctrd_error *err) {
        static const char *const keys[] = { "type", "path", NULL };
        char f[RT_FIELD_MAX];
        json_t *a = NULL, *v;
        size_t i;
        int r;

        if ((r = rt_jarray(lx, "linux", "namespaces", false, &a, err)) <= 0)
                return r;
        s->namespaces = calloc(json_array_size(a) + 1, sizeof(*s->namespaces));
        if (!s->namespaces)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        json_array_foreach(a, i, v) {
                struct rt_namespace *ns = &s->namespaces[i];
                _cleanup_free_ char *type = NULL;
                rt_jindex(f, "linux.namespaces", i);
                if (!json_is_object(v))
                        return ctrd_error_set(err, EINVAL, "%s: expected object", f);
                s->n_namespaces++;
                if ((r = rt_jkeys(v, f, keys, err)) < 0 ||
                    (r = rt_jstring(v, f, "type", true, &type, err)) < 0 ||
                    (r = rt_jstring(v, f, "path", false, &ns->path, err)) < 0)
                        return r;
                for (size_t t = 0; t < sizeof(ns_types) / sizeof(*ns_types); t++)
                        if (strcmp(ns_types[t].name, type) == 0)
                                ns->type = ns_types[t].flag;
                if (!ns->type)
                        return ctrd_error_set(err, EOPNOTSUPP, "%s.type: unsupported namespace '%s'",
                                              f, type);
                for (size_t j = 0; j < i; j++)
                        if (s->namespaces[j].type == ns->type)
                                return ctrd_error_set(err, EINVAL, "%s.type: '%s' given twice", f,
                                                      type);
                if (ns->path && ns->path[0] != '/')
                        return ctrd_error_set(err, EINVAL, "%s.path: must be absolute", f);
        }
        return 0;
}

static int parse_idmaps(json_t *lx, const char *key, struct rt_idmap **ret, size_t *n,
                        struct ctrd_error *err) {
        static const char *const keys[] = { "containerID", "hostID", "size", NULL };
        char f[RT_FIELD_MAX], path[RT_FIELD_MAX];
        json_t *a = NULL, *v;
        size_t i;
        int r;

        if ((r = rt_jarray(lx, "linux", key, false, &a, err)) <= 0)
                return r;
        *ret = calloc(json_array_size(a) + 1, sizeof(**ret));
        if (!*ret)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        rt_jfield(path, "linux", key);
        json_array_foreach(a, i, v) {
                struct rt_idmap *m = &(*ret)[i];
                uint64_t c = 0, h = 0, sz = 0;
                rt_jindex(f, path, i);
                if (!json_is_object(v))
                        return ctrd_error_set(err, EINVAL, "%s: expected object", f);
                if ((r = rt_jkeys(v, f, keys, err)) < 0 ||
                    (r = rt_juint(v, f, "containerID", true, UINT32_MAX - 1, &c, err)) < 0 ||
                    (r = rt_juint(v, f, "hostID", true, UINT32_MAX - 1, &h, err)) < 0 ||
                    (r = rt_juint(v, f, "size", true, UINT32_MAX, &sz, err)) < 0)
                        return r;
                if (sz == 0)
                        return ctrd_error_set(err, EINVAL, "%s.size: must be positive", f);
                *m = (struct rt_idmap) { (uint32_t) c, (uint32_t) h, (uint32_t) sz };
                (*n)++;
        }
        return 0;
}

/* linux.resources.devices: the device cgroup rules, kept in order for the cgroup driver. */
static int parse_device_rules(json_t *res, struct rt_cgroup_resources *out, struct ctrd_error *err) {
        static const char *const keys[] = { "allow", "type", "major", "minor", "access", NULL };
        char f[RT_FIELD_MAX];
        json_t *a = NULL, *v;
        size_t i;
        int r;

        if ((r = rt_jarray(res, "linux.resources", "devices", false, &a, err)) <= 0)
                return r;
        struct rt_device_rule *rules = calloc(json_array_size(a) + 1, sizeof(*rules));
        if (!rules)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        out->device_rules = rules;
        json_array_foreach(a, i, v) {
                _cleanup_free_ char *type = NULL, *access = NULL;
                int64_t major = -1, minor = -1;
                bool allow;
                rt_jindex(f, "linux.resources.devices", i);
                if (!json_is_object(v))
                        return ctrd_error_set(err, EINVAL, "%s: expected object", f);
                if ((r = rt_jkeys(v, f, keys, err)) < 0 ||
                    (r = rt_jbool(v, f, "allow", &allow, err)) < 0 ||
                    (r = rt_jstring(v, f, "type", false, &type, err)) < 0 ||
                    (r = rt_jstring(v, f, "access", false, &access, err)) < 0 ||
                    (r = rt_jint(v, f, "major", false, -1, INT32_MAX, &major, err)) < 0 ||
                    (r = rt_jint(v, f, "minor", false, -1, INT32_MAX, &minor, err)) < 0)
                        return r;
                if (type && strcmp(type, "a") && strcmp(type, "c") && strcmp(type, "b"))
                        return ctrd_error_set(err, EINVAL, "%s.type: expected a, b or c", f);
                if (access && (strlen(access) > 3 || strspn(access, "rwm") != strlen(access)))
                        return ctrd_error_set(err, EINVAL, "%s.access: expected r, w, m", f);
                /* OCI: an absent type means "a", absent numbers mean any. */
                rules[i] = (struct rt_device_rule) { .allow = allow, .type = type ? type[0] : 'a',
                                                     .major = major, .minor = minor };
                snprintf(rules[i].access, sizeof(rules[i].access), "%s", access ? access : "");
                out->n_device_rules = i + 1;
        }
        return 0;
}

static int parse_memory(json_t *o, struct rt_cgroup_resources *res, struct ctrd_error *err) {
        static const char *const keys[] = { "limit", "reservation", "swap", NULL };
        static const char *path = "linux.resources.memory";
        json_t *m = NULL;
        int r;

        if ((r = rt_jobject(o, "linux.resources", "memory", false, &m, err)) <= 0)
                return r;
        if ((r = rt_jkeys(m, path, keys, err)) < 0 ||
            (r = rt_jint(m, path, "limit", false, -1, INT64_MAX, &res->memory_limit, err)) < 0 ||
            (r = rt_jint(m, path, "reservation", false, -1, INT64_MAX, &res->memory_reservation,
                         err)) < 0 ||
            (r = rt_jint(m, path, "swap", false, -1, INT64_MAX, &res->memory_swap, err)) < 0)
                return r;
        return 0;
}

static int parse_cpu(json_t *o, struct rt_cgroup_resources *res, struct ctrd_error *err) {
        static const char *const keys[] = { "shares", "quota", "period", "cpus", "mems", NULL };
        static const char *path = "linux.resources.cpu";
        char *cpus = NULL, *mems = NULL;
        json_t *c = NULL;
        int r;

        if ((r = rt_jobject(o, "linux.resources", "cpu", false, &c, err)) <= 0)
                return r;
        if ((r = rt_jkeys(c, path, keys, err)) < 0 ||
            (r = rt_juint(c, path, "shares", false, 262144, &res->cpu_shares, err)) < 0 ||
            (r = rt_jint(c, path, "quota", false, -1, INT64_MAX, &res->cpu_quota, err)) < 0 ||
            (r = rt_juint(c, path, "period", false, 1000000, &res->cpu_period, err)) < 0)
                return r;
        /* The resources struct holds const strings owned by the spec (freed in spec-free.c). */
        r = rt_jstring(c, path, "cpus", false, &cpus, err);
        res->cpuset_cpus = cpus;
        if (r < 0)
                return r;
        r = rt_jstring(c, path, "mems", false, &mems, err);
        res->cpuset_mems = mems;
        return r < 0 ? r : 0;
}

static int parse_resources(json_t *lx, struct rt_spec *s, struct ctrd_error *err) {
        static const char *const keys[] = { "devices", "memory", "cpu", "pids", NULL };
        static const char *const pids_keys[] = { "limit", NULL };
        json_t *o = NULL, *p = NULL;
        int r;

        if ((r = rt_jobject(lx, "linux", "resources", false, &o, err)) <= 0)
                return r;
        if ((r = rt_jkeys(o, "linux.resources", keys, err)) < 0 ||
            (r = parse_device_rules(o, &s->resources, err)) < 0 ||
            (r = parse_memory(o, &s->resources, err)) < 0 ||
            (r = parse_cpu(o, &s->resources, err)) < 0 ||
            (r = rt_jobject(o, "linux.resources", "pids", false, &p, err)) < 0)
                return r;
        if (p && ((r = rt_jkeys(p, "linux.resources.pids", pids_keys, err)) < 0 ||
                  (r = rt_jint(p, "linux.resources.pids", "limit", true, -1, INT64_MAX,
                               &s->resources.pids_limit, err)) < 0))
                return r;
        return 0;
}

static int parse_devices(json_t *lx, struct rt_spec *s, struct ctrd_error *err) {
        static const char *const keys[] = { "path", "type", "major", "minor", "fileMode",
                                            "uid", "gid", NULL };
        char f[RT_FIELD_MAX];
        json_t *a = NULL, *v;
        size_t i;
        int r;

        if ((r = rt_jarray(lx, "linux", "devices", false, &a, err)) <= 0)
                return r;
        s->devices = calloc(json_array_size(a) + 1, sizeof(*s->devices));
        if (!s->devices)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        json_array_foreach(a, i, v) {
                struct rt_device *d = &s->devices[i];
                _cleanup_free_ char *type = NULL;
                int64_t mode = 0666, uid = 0, gid = 0;
                rt_jindex(f, "linux.devices", i);
                if (!json_is_object(v))
                        return ctrd_error_set(err, EINVAL, "%s: expected object", f);
                s->n_devices++;
                if ((r = rt_jkeys(v, f, keys, err)) < 0 ||
                    (r = rt_jstring(v, f, "path", true, &d->path, err)) < 0 ||
                    (r = rt_jstring(v, f, "type", true, &type, err)) < 0 ||
                    (r = rt_jint(v, f, "major", false, 0, 4095, &d->major, err)) < 0 ||
                    (r = rt_jint(v, f, "minor", false, 0, 1048575, &d->minor, err)) < 0 ||
                    (r = rt_jint(v, f, "fileMode", false, 0, 07777, &mode, err)) < 0 ||
                    (r = rt_jint(v, f, "uid", false, 0, UINT32_MAX - 1, &uid, err)) < 0 ||
                    (r = rt_jint(v, f, "gid", false, 0, UINT32_MAX - 1, &gid, err)) < 0)
                        return r;
                if (d->path[0] != '/')
                        return ctrd_error_set(err, EINVAL, "%s.path: must be absolute", f);
                if (strcmp(type, "c") == 0 || strcmp(type, "u") == 0)
                        d->type = S_IFCHR;
                else if (strcmp(type, "b") == 0)
                        d->type = S_IFBLK;
                else if (strcmp(type, "p") == 0)
                        d->type = S_IFIFO;
                else
                        return ctrd_error_set(err, EINVAL, "%s.type: expected c, b, u or p", f);
                d->mode = (mode_t) mode & 07777;
                d->uid = (uid_t) uid;
                d->gid = (gid_t) gid;
        }
        return 0;
}

static int parse_sysctl(json_t *lx, struct rt_spec *s, struct ctrd_error *err) {
        json_t *o = NULL, *v;
        const char *key;
        int r;

        if ((r = rt_jobject(lx, "linux", "sysctl", false, &o, err)) <= 0)
                return r;
        s->sysctls = calloc(json_object_size(o) + 1, sizeof(*s->sysctls));
        if (!s->sysctls)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        json_object_foreach(o, key, v) {
                if (!json_is_string(v))
                        return ctrd_error_set(err, EINVAL, "linux.sysctl.%s: expected string", key);
                /* The key becomes a path under /proc/sys: no way out of it. */
                if (!*key || strstr(key, "..") || key[0] == '.' || key[0] == '/')
                        return ctrd_error_set(err, EINVAL, "linux.sysctl.%s: bad key", key);
                struct rt_sysctl *sc = &s->sysctls[s->n_sysctls++];
                sc->key = strdup(key);
                sc->value = strdup(json_string_value(v));
                if (!sc->key || !sc->value)
                        return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        return 0;
}

/* What the runtime needs from the namespace list, checked once here. */
static int check_namespaces(const struct rt_spec *s, struct ctrd_error *err) {
        const struct rt_namespace *mnt = rt_spec_namespace(s, CLONE_NEWNS);
        const struct rt_namespace *user = rt_spec_namespace(s, CLONE_NEWUSER);
        const struct rt_namespace *uts = rt_spec_namespace(s, CLONE_NEWUTS);

        /* pivot_root in the host's (or someone else's) mount namespace would move their root. */
        if (!mnt || mnt->path)
                return ctrd_error_set(err, EOPNOTSUPP,
                                      "linux.namespaces: a new mount namespace is required");
        if ((!user || user->path) && (s->n_uid_mappings || s->n_gid_mappings))
                return ctrd_error_set(err, EINVAL,
                                      "linux.uidMappings: given without a new user namespace");
        if (user && !user->path && (!s->n_uid_mappings || !s->n_gid_mappings))
                return ctrd_error_set(err, EINVAL,
                                      "linux.uidMappings: a user namespace needs uid and gid "
                                      "mappings");
        if (s->hostname && (!uts || uts->path))
                return ctrd_error_set(err, EINVAL,
                                      "hostname: needs a new uts namespace");
        if (s->domainname && (!uts || uts->path))
                return ctrd_error_set(err, EINVAL,
                                      "domainname: needs a new uts namespace");
        return 0;
}

/*
 * When the spec restricts devices, the nodes the runtime itself makes in
 * /dev (null, zero, full, random, urandom, tty, ptmx and the pty slaves) and
 * those linux.devices asks for must still be creatable and usable: runc
 * allows them the same way. They go after the spec's rules, so a "deny all"
 * the spec starts with cannot undo them.
 */
static int allow_own_devices(struct rt_spec *s, struct ctrd_error *err) {
        static const struct rt_device_rule defaults[] = {
                { true, 'c', 1, 3, "rwm" }, { true, 'c', 1, 5, "rwm" }, { true, 'c', 1, 7, "rwm" },
                { true, 'c', 1, 8, "rwm" }, { true, 'c', 1, 9, "rwm" }, { true, 'c', 5, 0, "rwm" },
                { true, 'c', 5, 2, "rwm" }, { true, 'c', 136, -1, "rwm" },
        };
        size_t n_defaults = sizeof(defaults) / sizeof(defaults[0]);
        if (s->resources.n_device_rules == 0)
                return 0;
        size_t n = s->resources.n_device_rules;
        struct rt_device_rule *rules = realloc((void *) s->resources.device_rules,
                                               (n + n_defaults + s->n_devices) * sizeof(*rules));
        if (!rules)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        s->resources.device_rules = rules;
        memcpy(rules + n, defaults, sizeof(defaults));
        n += n_defaults;
        for (size_t i = 0; i < s->n_devices; i++) {
                const struct rt_device *d = &s->devices[i];
                if (d->type != S_IFCHR && d->type != S_IFBLK)
                        continue;
                rules[n++] = (struct rt_device_rule) { .allow = true, .type = d->type == S_IFCHR ? 'c' : 'b',
                                                       .major = d->major, .minor = d->minor,
                                                       .access = "rwm" };
        }
        s->resources.n_device_rules = n;
        return 0;
}

int rt_spec_parse_linux(json_t *root, struct rt_spec *s, struct ctrd_error *err) {
        static const char *const keys[] = { "namespaces", "uidMappings", "gidMappings",
                                            "resources", "cgroupsPath", "maskedPaths",
                                            "readonlyPaths", "rootfsPropagation", "seccomp",
                                            "devices", "sysctl", NULL };
        _cleanup_free_ char *prop = NULL;
        json_t *lx = NULL;
        int r;

        s->rootfs_propagation = MS_PRIVATE | MS_REC;
        if ((r = rt_jobject(root, "", "linux", false, &lx, err)) <= 0)
                return r;
        if ((r = rt_jkeys(lx, "linux", keys, err)) < 0 ||
            (r = parse_namespaces(lx, s, err)) < 0 ||
            (r = parse_idmaps(lx, "uidMappings", &s->uid_mappings, &s->n_uid_mappings, err)) < 0 ||
            (r = parse_idmaps(lx, "gidMappings", &s->gid_mappings, &s->n_gid_mappings, err)) < 0 ||
            (r = parse_resources(lx, s, err)) < 0 ||
            (r = rt_jstring(lx, "linux", "cgroupsPath", false, &s->cgroups_path, err)) < 0 ||
            (r = rt_jstrv(lx, "linux", "maskedPaths", false, &s->masked_paths, err)) < 0 ||
            (r = rt_jstrv(lx, "linux", "readonlyPaths", false, &s->readonly_paths, err)) < 0 ||
            (r = rt_jstring(lx, "linux", "rootfsPropagation", false, &prop, err)) < 0 ||
            (r = rt_spec_parse_seccomp(lx, s, err)) < 0 ||
            (r = parse_devices(lx, s, err)) < 0 ||
            (r = allow_own_devices(s, err)) < 0 ||
            (r = parse_sysctl(lx, s, err)) < 0)
                return r;
        if (prop && rt_propagation_from_name(prop, &s->rootfs_propagation) < 0)
                return ctrd_error_set(err, EINVAL, "linux.rootfsPropagation: unknown '%s'", prop);
        if (s->cgroups_path && s->cgroups_path[0] != '/')
                return ctrd_error_set(err, EINVAL, "linux.cgroupsPath: must be absolute");
        if (s->cgroups_path && strstr(s->cgroups_path, ".."))
                return ctrd_error_set(err, EINVAL, "linux.cgroupsPath: must not contain '..'");
        return check_namespaces(s, err);
}
