/*
 * config.json -> struct rt_spec: the top level, process, root and mounts.
 * The linux section is in spec-linux.c. Validation happens here, once, so
 * the container child can trust every value it gets.
 */
#include "spec.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "cleanup.h"
#include "fs-util.h"
#include "names.h"
#include "spec-internal.h"
#include "spec-json.h"

#define CONFIG_MAX (4u << 20)

static int parse_user(json_t *proc, struct rt_spec *s, struct ctrd_error *err) {
        static const char *const keys[] = { "uid", "gid", "umask", "additionalGids", NULL };
        json_t *user = NULL, *gids = NULL, *v;
        int64_t n = 0;
        size_t i;
        int r;

        if ((r = rt_jobject(proc, "process", "user", true, &user, err)) < 0 ||
            (r = rt_jkeys(user, "process.user", keys, err)) < 0)
                return r;
        if ((r = rt_jint(user, "process.user", "uid", true, 0, UINT32_MAX - 1, &n, err)) < 0)
                return r;
        s->uid = (uid_t) n;
        if ((r = rt_jint(user, "process.user", "gid", true, 0, UINT32_MAX - 1, &n, err)) < 0)
                return r;
        s->gid = (gid_t) n;
        if ((r = rt_jint(user, "process.user", "umask", false, 0, 0777, &n, err)) < 0)
                return r;
        s->umask = r > 0 ? (int) n : -1;

        if ((r = rt_jarray(user, "process.user", "additionalGids", false, &gids, err)) <= 0)
                return r;
        s->additional_gids = calloc(json_array_size(gids) + 1, sizeof(gid_t));
        if (!s->additional_gids)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        json_array_foreach(gids, i, v) {
                if (!json_is_integer(v) || json_integer_value(v) < 0 ||
                    json_integer_value(v) >= UINT32_MAX)
                        return ctrd_error_set(err, EINVAL,
                                              "process.user.additionalGids[%zu]: expected gid",
                                              i);
                s->additional_gids[s->n_additional_gids++] = (gid_t) json_integer_value(v);
        }
        return 0;
}

static int parse_caps(json_t *proc, struct rt_spec *s, struct ctrd_error *err) {
        static const char *const keys[] = { "bounding", "effective", "permitted",
                                            "inheritable", "ambient", NULL };
        char f[RT_FIELD_MAX];
        json_t *caps = NULL;
        int r;

        if ((r = rt_jobject(proc, "process", "capabilities", false, &caps, err)) <= 0)
                return r;
        if ((r = rt_jkeys(caps, "process.capabilities", keys, err)) < 0)
                return r;
        s->has_caps = true;
        for (int set = 0; set < _RT_CAP_SET_MAX; set++) {
                _cleanup_strv_free_ char **names = NULL;
                if ((r = rt_jstrv(caps, "process.capabilities", keys[set], false, &names, err)) < 0)
                        return r;
                for (size_t i = 0; names && names[i]; i++) {
                        int cap = rt_cap_from_name(names[i]);
                        if (cap < 0)
                                return ctrd_error_set(err, EINVAL, "%s: unknown capability '%s'",
                                                      rt_jfield(f, "process.capabilities",
                                                                keys[set]), names[i]);
                        s->caps[set] |= UINT64_C(1) << cap;
                }
        }
        return 0;
}

static int parse_rlimits(json_t *proc, struct rt_spec *s, struct ctrd_error *err) {
        static const char *const keys[] = { "type", "soft", "hard", NULL };
        char f[RT_FIELD_MAX];
        json_t *a = NULL, *v;
        size_t i;
        int r;

        if ((r = rt_jarray(proc, "process", "rlimits", false, &a, err)) <= 0)
                return r;
        s->rlimits = calloc(json_array_size(a) + 1, sizeof(*s->rlimits));
        if (!s->rlimits)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        json_array_foreach(a, i, v) {
                struct rt_rlimit *rl = &s->rlimits[i];
                _cleanup_free_ char *type = NULL;
                rt_jindex(f, "process.rlimits", i);
                if (!json_is_object(v))
                        return ctrd_error_set(err, EINVAL, "%s: expected object", f);
                if ((r = rt_jkeys(v, f, keys, err)) < 0 ||
                    (r = rt_jstring(v, f, "type", true, &type, err)) < 0 ||
                    (r = rt_juint(v, f, "soft", true, INT64_MAX, &rl->soft, err)) < 0 ||
                    (r = rt_juint(v, f, "hard", true, INT64_MAX, &rl->hard, err)) < 0)
                        return r;
                rl->resource = rt_rlimit_from_name(type);
                if (rl->resource < 0)
                        return ctrd_error_set(err, EINVAL, "%s.type: unknown rlimit '%s'", f, type);
                if (rl->soft > rl->hard)
                        return ctrd_error_set(err, EINVAL, "%s: soft %llu above hard %llu", f,
                                              (unsigned long long) rl->soft,
                                              (unsigned long long) rl->hard);
                s->n_rlimits++;
        }
        return 0;
}

static int parse_process(json_t *root, struct rt_spec *s, struct ctrd_error *err) {
        static const char *const keys[] = { "terminal", "user", "args", "env", "cwd",
                                            "capabilities", "rlimits", "noNewPrivileges",
                                            "oomScoreAdj", NULL };
        json_t *proc = NULL;
        int64_t n = 0;
        int r;

        if ((r = rt_jobject(root, "", "process", true, &proc, err)) < 0 ||
            (r = rt_jkeys(proc, "process", keys, err)) < 0 ||
            (r = rt_jbool(proc, "process", "terminal", &s->terminal, err)) < 0 ||
            (r = parse_user(proc, s, err)) < 0 ||
            (r = rt_jstrv(proc, "process", "args", true, &s->args, err)) < 0 ||
            (r = rt_jstrv(proc, "process", "env", false, &s->env, err)) < 0 ||
            (r = rt_jstring(proc, "process", "cwd", true, &s->cwd, err)) < 0 ||
            (r = parse_caps(proc, s, err)) < 0 ||
            (r = parse_rlimits(proc, s, err)) < 0 ||
            (r = rt_jbool(proc, "process", "noNewPrivileges", &s->no_new_privileges, err)) < 0)
                return r;
        if (!s->args[0] || !*s->args[0])
                return ctrd_error_set(err, EINVAL, "process.args: must not be empty");
        if (s->cwd[0] != '/')
                return ctrd_error_set(err, EINVAL, "process.cwd: must be an absolute path");
        if (!s->env && !(s->env = calloc(1, sizeof(char *))))
                return ctrd_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; s->env[i]; i++)
                if (!strchr(s->env[i], '='))
                        return ctrd_error_set(err, EINVAL, "process.env[%zu]: expected KEY=VALUE",
                                              i);
        if ((r = rt_jint(proc, "process", "oomScoreAdj", false, -1000, 1000, &n, err)) < 0)
                return r;
        s->has_oom_score_adj = r > 0;
        s->oom_score_adj = (int) n;
        return 0;
}

static int parse_root(json_t *root, const char *bundle, struct rt_spec *s,
                      struct ctrd_error *err) {
        static const char *const keys[] = { "path", "readonly", NULL };
        _cleanup_free_ char *path = NULL;
        json_t *o = NULL;
        int r;

        if ((r = rt_jobject(root, "", "root", true, &o, err)) < 0 ||
            (r = rt_jkeys(o, "root", keys, err)) < 0 ||
            (r = rt_jstring(o, "root", "path", true, &path, err)) < 0 ||
            (r = rt_jbool(o, "root", "readonly", &s->root_readonly, err)) < 0)
                return r;
        if (path[0] == '/') {
                s->root_path = TAKE_PTR(path);
                return 0;
        }
        if (asprintf(&s->root_path, "%s/%s", bundle, path) < 0) {
                s->root_path = NULL;
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        return 0;
}

static int parse_mount(json_t *v, const char *f, struct rt_mount *m, struct ctrd_error *err) {
        static const char *const keys[] = { "destination", "type", "source", "options", NULL };
        _cleanup_strv_free_ char **options = NULL;
        int r;

        if (!json_is_object(v))
                return ctrd_error_set(err, EINVAL, "%s: expected object", f);
        if ((r = rt_jkeys(v, f, keys, err)) < 0 ||
            (r = rt_jstring(v, f, "destination", true, &m->destination, err)) < 0 ||
            (r = rt_jstring(v, f, "type", false, &m->type, err)) < 0 ||
            (r = rt_jstring(v, f, "source", false, &m->source, err)) < 0 ||
            (r = rt_jstrv(v, f, "options", false, &options, err)) < 0)
                return r;
        if (m->destination[0] != '/')
                return ctrd_error_set(err, EINVAL, "%s.destination: must be an absolute path", f);
        r = rt_mount_options(options, &m->flags, &m->propagation, &m->data, err);
        if (r < 0)
                return ctrd_error_wrap(err, "%s.options", f);
        if (m->type && strcmp(m->type, "bind") == 0) {
                free(m->type);
                m->type = NULL;
                m->flags |= MS_BIND;
        }
        if (!m->type && !(m->flags & MS_BIND))
                return ctrd_error_set(err, EINVAL, "%s.type: missing for a non-bind mount", f);
        if ((m->flags & MS_BIND) && !m->source)
                return ctrd_error_set(err, EINVAL, "%s.source: missing for a bind mount", f);
        return 0;
}

static int parse_mounts(json_t *root, struct rt_spec *s, struct ctrd_error *err) {
        char f[RT_FIELD_MAX];
        json_t *a = NULL, *v;
        size_t i;
        int r;

        if ((r = rt_jarray(root, "", "mounts", false, &a, err)) <= 0)
                return r;
        s->mounts = calloc(json_array_size(a) + 1, sizeof(*s->mounts));
        if (!s->mounts)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        json_array_foreach(a, i, v) {
                s->n_mounts++;
                if ((r = parse_mount(v, rt_jindex(f, "mounts", i), &s->mounts[i], err)) < 0)
                        return r;
        }
        return 0;
}

int rt_spec_parse(const char *text, const char *bundle, struct rt_spec **ret,
                  struct ctrd_error *err) {
        static const char *const keys[] = { "ociVersion", "process", "root", "hostname",
                                            "domainname", "mounts", "linux", "annotations",
                                            NULL };
        _cleanup_(rt_spec_freep) struct rt_spec *s = NULL;
        json_error_t jerr;
        int r;

        json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
        if (!root)
                return ctrd_error_set(err, EINVAL, "config.json:%d:%d: %s", jerr.line,
                                      jerr.column, jerr.text);
        _cleanup_(rt_json_decrefp) json_t *root_ref = root;
        if (!json_is_object(root))
                return ctrd_error_set(err, EINVAL, "config.json: expected an object");

        s = calloc(1, sizeof(*s));
        if (!s)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        s->resources = (struct rt_cgroup_resources) RT_CGROUP_RESOURCES_INIT;
        s->umask = -1;

        _cleanup_free_ char *version = NULL;
        json_t *ann = NULL;
        if ((r = rt_jkeys(root, "", keys, err)) < 0 ||
            (r = rt_jstring(root, "", "ociVersion", true, &version, err)) < 0 ||
            (r = rt_jobject(root, "", "annotations", false, &ann, err)) < 0)
                return r;
        if (strncmp(version, "1.", 2) != 0)
                return ctrd_error_set(err, EINVAL, "ociVersion: unsupported version '%s'",
                                      version);
        if ((r = parse_process(root, s, err)) < 0 ||
            (r = parse_root(root, bundle, s, err)) < 0 ||
            (r = rt_jstring(root, "", "hostname", false, &s->hostname, err)) < 0 ||
            (r = rt_jstring(root, "", "domainname", false, &s->domainname, err)) < 0 ||
            (r = parse_mounts(root, s, err)) < 0 ||
            (r = rt_spec_parse_linux(root, s, err)) < 0)
                return r;
        *ret = TAKE_PTR(s);
        return 0;
}

int rt_spec_load(const char *bundle, struct rt_spec **ret, struct ctrd_error *err) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        int r;

        if (asprintf(&path, "%s/config.json", bundle) < 0) {
                path = NULL;
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        r = ctrd_read_file(path, CONFIG_MAX, &text, NULL, err);
        if (r < 0)
                return r;
        r = rt_spec_parse(text, bundle, ret, err);
        if (r < 0)
                return ctrd_error_wrap(err, "%s", path);
        return 0;
}

const struct rt_namespace *rt_spec_namespace(const struct rt_spec *s, int type) {
        for (size_t i = 0; i < s->n_namespaces; i++)
                if (s->namespaces[i].type == type)
                        return &s->namespaces[i];
        return NULL;
}
