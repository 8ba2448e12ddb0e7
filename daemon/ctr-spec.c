/*
 * config.json for a container: the top level and "process". Mounts are in
 * ctr-spec-mounts.c, the "linux" object in ctr-spec-linux.c.
 */
#include "ctr-spec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "ctr-caps.h"
#include "ctr-config.h"
#include "ctr-json.h"
#include "ctr-rlimit.h"
#include "ctr-secopt.h"
#include "ctr-spec-internal.h"
#include "ctr-user.h"
#include "digest.h"

static int nomem(struct ctrd_error *err) {
        return ctrd_error_set(err, ENOMEM, "out of memory");
}

int ctr_spec_anonymous_volume(const char *id, const char *target, char ret[65]) {
        _cleanup_free_ char *key = NULL;
        char digest[DIGEST_STR_LEN + 1];

        if (asprintf(&key, "%s:%s", id, target) < 0)
                return -ENOMEM;
        int r = digest_buffer(key, strlen(key), digest);
        if (r < 0)
                return r;
        memcpy(ret, digest + strlen(DIGEST_PREFIX), 65);
        return 0;
}

/* Config.Hostname, else (as Docker) the host's name when the container shares the host's
 * network or UTS namespace, else the short id. */
static const char *hostname_of(json_t *config, json_t *host, const struct ctr_spec_input *in,
                               char buf[static HOST_NAME_MAX + 1]) {
        if (*ctr_jstr(config, "Hostname"))
                return ctr_jstr(config, "Hostname");
        if ((in->host_network || strcmp(ctr_jstr(host, "UTSMode"), "host") == 0) &&
            gethostname(buf, HOST_NAME_MAX + 1) == 0) {
                buf[HOST_NAME_MAX] = '\0';
                return buf;
        }
        snprintf(buf, HOST_NAME_MAX + 1, "%.12s", in->id);
        return buf;
}

/* Docker's "replace or append" by key; "KEY" without '=' removes KEY. */
static int env_set(json_t *env, const char *kv) {
        size_t klen = strcspn(kv, "="), i;
        json_t *v;

        json_array_foreach(env, i, v) {
                const char *s = json_string_value(v);
                if (strncmp(s, kv, klen) == 0 && s[klen] == '=') {
                        if (!kv[klen])
                                return json_array_remove(env, i) < 0 ? -ENOMEM : 0;
                        return json_array_set_new(env, i, json_string(kv)) < 0 ? -ENOMEM : 0;
                }
        }
        if (!kv[klen])
                return 0;
        return json_array_append_new(env, json_string(kv)) < 0 ? -ENOMEM : 0;
}

static bool env_has(json_t *env, const char *key) {
        size_t n = strlen(key), i;
        json_t *v;
        json_array_foreach(env, i, v)
                if (strncmp(json_string_value(v), key, n) == 0 && json_string_value(v)[n] == '=')
                        return true;
        return false;
}

/* What Docker's CreateDaemonEnvironment gives, then the container's own Env over it. */
static int build_env(json_t *config, const char *hostname, const char *home, json_t **ret) {
        _cleanup_json_ json_t *env = json_pack("[ss+]", "PATH=" CTR_DEFAULT_PATH, "HOSTNAME=",
                                               hostname);
        json_t *v;
        size_t i;

        if (!env)
                return -ENOMEM;
        if (ctr_jbool(config, "Tty") && env_set(env, "TERM=xterm") < 0)
                return -ENOMEM;
        json_array_foreach(ctr_jget(config, "Env"), i, v)
                if (env_set(env, json_string_value(v)) < 0)
                        return -ENOMEM;
        /* runc sets HOME from passwd when the environment lacks it; the shim does not. */
        if (!env_has(env, "HOME") &&
            json_array_append_new(env, json_pack("s+", "HOME=", home)) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(env);
        return 0;
}

static int build_args(json_t *config, json_t **ret, struct ctrd_error *err) {
        json_t *args = json_array();

        if (!args || (ctr_jget(config, "Entrypoint") &&
                      json_array_extend(args, ctr_jget(config, "Entrypoint")) < 0) ||
            (ctr_jget(config, "Cmd") && json_array_extend(args, ctr_jget(config, "Cmd")) < 0)) {
                json_decref(args);
                return nomem(err);
        }
        if (json_array_size(args) == 0) {
                json_decref(args);
                return ctrd_error_set(err, EINVAL, "No command specified");
        }
        /* What runc says for it; the docker CLI maps "executable file not found" to exit 127. */
        if (json_string_length(json_array_get(args, 0)) == 0) {
                json_decref(args);
                return ctrd_error_set(err, EINVAL,
                                      "exec: \"\": executable file not found in $PATH");
        }
        *ret = args;
        return 0;
}

static json_t *user_json(const struct ctr_user *u) {
        json_t *gids = json_array();
        for (size_t i = 0; gids && i < u->n_gids; i++)
                if (json_array_append_new(gids, json_integer(u->gids[i])) < 0) {
                        json_decref(gids);
                        return NULL;
                }
        return gids ? json_pack("{s:I,s:I,s:o}", "uid", (json_int_t) u->uid, "gid",
                                (json_int_t) u->gid, "additionalGids", gids)
                    : NULL;
}

static int resolve_user(json_t *config, json_t *host, const struct ctr_spec_input *in,
                        struct ctr_user *ret, struct ctrd_error *err) {
        _cleanup_close_ int rootfd = open(in->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);

        if (rootfd < 0)
                return ctrd_error_sys(err, errno, "opening rootfs %s", in->rootfs);
        return ctr_user_resolve(rootfd, ctr_jstr(config, "User"), ctr_jget(host, "GroupAdd"), ret,
                                err);
}

static int build_process(json_t *config, json_t *host, const struct ctr_spec_input *in,
                         uint64_t caps, json_t **ret, struct ctrd_error *err) {
        _cleanup_(ctr_secopt_done) struct ctr_secopt so = { 0 };
        _cleanup_(ctr_user_done) struct ctr_user user = { 0 };
        json_t *args = NULL, *env = NULL, *rlimits = NULL, *capset = ctr_caps_to_json(caps);
        const char *cwd = *ctr_jstr(config, "WorkingDir") ? ctr_jstr(config, "WorkingDir") : "/";
        char hbuf[HOST_NAME_MAX + 1];
        int r;

        if (!capset)
                return nomem(err);
        if ((r = ctr_secopt_parse(ctr_jget(host, "SecurityOpt"), &so, err)) < 0 ||
            (r = resolve_user(config, host, in, &user, err)) < 0 ||
            (r = build_args(config, &args, err)) < 0 ||
            (r = ctr_rlimits_to_oci(ctr_jget(host, "Ulimits"), &rlimits, err)) < 0)
                goto fail;
        if (build_env(config, hostname_of(config, host, in, hbuf), user.home, &env) < 0) {
                r = nomem(err);
                goto fail;
        }
        *ret = json_pack("{s:b,s:o,s:o,s:o,s:s,s:{s:O,s:O,s:O},s:o,s:b,s:I}", "terminal",
                         ctr_jbool(config, "Tty"), "user", user_json(&user), "args", args, "env",
                         env, "cwd", cwd, "capabilities", "bounding", capset, "effective", capset,
                         "permitted", capset, "rlimits", rlimits, "noNewPrivileges",
                         so.no_new_privileges, "oomScoreAdj",
                         (json_int_t) ctr_jint(host, "OomScoreAdj"));
        json_decref(capset);
        return *ret ? 0 : nomem(err);
fail:
        json_decref(args);
        json_decref(rlimits);
        json_decref(capset);
        return r;
}

static int container_caps(json_t *host, uint64_t *ret, struct ctrd_error *err) {
        uint64_t bounding;
        int r = ctr_caps_bounding(&bounding, err);
        if (r < 0)
                return r;
        return ctr_caps_compute(ctr_jget(host, "CapAdd"), ctr_jget(host, "CapDrop"),
                                ctr_jbool(host, "Privileged"), bounding, ret, err);
}

int ctr_spec_build(json_t *config, json_t *host, const struct ctr_spec_input *in,
                   json_t **ret_spec, struct ctrd_error *err) {
        json_t *process = NULL, *mounts = NULL, *lx = NULL;
        uint64_t caps;
        char hbuf[HOST_NAME_MAX + 1];
        int r;

        if (!in || !in->id || strlen(in->id) < 12 || !in->rootfs || in->rootfs[0] != '/')
                return ctrd_error_set(err, EINVAL, "spec input: id and an absolute rootfs needed");
        if ((r = container_caps(host, &caps, err)) < 0 ||
            (r = build_process(config, host, in, caps, &process, err)) < 0 ||
            (r = ctr_spec_mounts(config, host, in, &mounts, err)) < 0 ||
            (r = ctr_spec_linux(host, in, caps, &lx, err)) < 0) {
                json_decref(process);
                json_decref(mounts);
                return r;
        }
        json_t *spec = json_pack("{s:s,s:o,s:{s:s,s:b},s:o,s:o}", "ociVersion", "1.0.2",
                                 "process", process, "root", "path", in->rootfs, "readonly",
                                 ctr_jbool(host, "ReadonlyRootfs"), "mounts", mounts, "linux", lx);
        /* With the host's UTS namespace the hostname is the host's: config.json must not set it. */
        if (spec && strcmp(ctr_jstr(host, "UTSMode"), "host") != 0 &&
            ctr_jset_new(spec, "hostname", json_string(hostname_of(config, host, in, hbuf))) < 0) {
                json_decref(spec);
                spec = NULL;
        }
        if (!spec)
                return nomem(err);
        *ret_spec = spec;
        return 0;
}
