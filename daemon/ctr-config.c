/*
 * POST /containers/create: the body's Config fields, checked and normalized
 * in the order inspect shows them. HostConfig is ctr-hostconfig.c, the
 * mounts are ctr-mounts.c.
 */
#include "ctr-config.h"
#include "signals.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "ctr-config-internal.h"
#include "ctr-json.h"
#include "ctr-mounts.h"
#include "macro.h"
#include "string-util.h"

/* Config as inspect shows it (Docker's container.Config, in its order). */
static const struct ctr_field config_fields[] = {
        { "Hostname", CTR_J_STRING, 0 },
        /* config.json 1.0.2 has no domainname (runtime-spec 1.1 added it). */
        { "Domainname", CTR_J_STRING, CTR_F_UNSUPPORTED },
        { "User", CTR_J_STRING, 0 },
        { "AttachStdin", CTR_J_BOOL, 0 },
        { "AttachStdout", CTR_J_BOOL, 0 },
        { "AttachStderr", CTR_J_BOOL, 0 },
        { "ExposedPorts", CTR_J_OBJECT, CTR_F_OMITEMPTY },
        { "Tty", CTR_J_BOOL, 0 },
        { "OpenStdin", CTR_J_BOOL, 0 },
        { "StdinOnce", CTR_J_BOOL, 0 },
        { "Env", CTR_J_STRV, 0 },
        { "Cmd", CTR_J_STRSLICE, 0 },
        { "Healthcheck", CTR_J_OBJECT, CTR_F_OMITEMPTY },
        { "ArgsEscaped", CTR_J_BOOL, CTR_F_OMITEMPTY },
        { "Image", CTR_J_STRING, 0 },
        { "Volumes", CTR_J_OBJECT, 0 },
        { "WorkingDir", CTR_J_STRING, 0 },
        { "Entrypoint", CTR_J_STRSLICE, 0 },
        { "NetworkDisabled", CTR_J_BOOL, CTR_F_OMITEMPTY },
        { "MacAddress", CTR_J_STRING, CTR_F_OMITEMPTY | CTR_F_UNSUPPORTED },
        { "OnBuild", CTR_J_STRV, 0 },
        { "Labels", CTR_J_STRMAP, CTR_F_EMPTY },
        { "StopSignal", CTR_J_STRING, CTR_F_OMITEMPTY },
        { "StopTimeout", CTR_J_INT, CTR_F_OMITEMPTY | CTR_F_NULLABLE },
        { "Shell", CTR_J_STRSLICE, CTR_F_OMITEMPTY },
};

/* Signal names are read in one place (daemon/signals.c): this is its create-time face. */
int ctr_config_parse_signal(const char *s, int *ret) {
        int n = signal_from_string(s);
        if (n < 0)
                return n;
        *ret = n;
        return 0;
}

static int check_env(json_t *env, struct ctrd_error *err) {
        json_t *v;
        size_t i;

        json_array_foreach(env, i, v) {
                const char *s = json_string_value(v);
                /* "KEY" alone is allowed: it unsets KEY (Docker's ReplaceOrAppendEnvValues). */
                if (s[0] == '=' || s[0] == '\0')
                        return ctrd_error_set(err, EINVAL, "invalid environment variable: %s", s);
        }
        return 0;
}

/* RFC 1123 labels joined by dots; the kernel's limit is 64 bytes for uname. */
static bool valid_hostname(const char *s) {
        size_t n = strlen(s);
        if (n > 64)
                return false;
        for (const char *p = s; *p; p++)
                if (!isalnum((unsigned char) *p) && *p != '-' && *p != '.')
                        return false;
        return n == 0 || (s[0] != '-' && s[0] != '.');
}

static int check_port(const char *key, struct ctrd_error *err) {
        _cleanup_free_ char *dup = strdup(key);
        int64_t lo, hi;

        if (!dup)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        char *proto = strchr(dup, '/');
        if (proto) {
                *proto++ = '\0';
                if (strcmp(proto, "tcp") && strcmp(proto, "udp") && strcmp(proto, "sctp"))
                        return ctrd_error_set(err, EINVAL, "invalid proto: %s", proto);
        }
        char *dash = strchr(dup, '-');
        if (dash)
                *dash++ = '\0';
        if (ctrd_parse_int64(dup, 1, 65535, &lo) < 0 ||
            (dash && (ctrd_parse_int64(dash, lo, 65535, &hi) < 0)))
                return ctrd_error_set(err, EINVAL, "invalid containerPort: %s", key);
        return 0;
}

static int check_healthcheck(json_t *hc, struct ctrd_error *err) {
        json_t *test = ctr_jget(hc, "Test");

        /* ["NONE"] turns an image's health check off, which is what we do anyway. */
        if (!hc || !test || json_array_size(test) == 0 ||
            (json_array_size(test) == 1 &&
             strcmp(json_string_value(json_array_get(test, 0)) ?: "", "NONE") == 0))
                return 0;
        return ctrd_error_set(err, EINVAL, "Config.Healthcheck is not supported by ctrd");
}

/* `docker run --entrypoint ""` sends [""]: Docker reads it as "no entrypoint", clearing the
 * image's. */
static int reset_entrypoint(json_t *c) {
        json_t *ep = ctr_jget(c, "Entrypoint");
        if (json_array_size(ep) == 1 && json_string_length(json_array_get(ep, 0)) == 0)
                return json_array_clear(ep) < 0 ? -ENOMEM : 0;
        return 0;
}

static int check_config(json_t *c, struct ctrd_error *err) {
        const char *wd = ctr_jstr(c, "WorkingDir"), *sig = ctr_jstr(c, "StopSignal");
        json_t *ports = ctr_jget(c, "ExposedPorts"), *v;
        const char *key;
        int signo, r;

        if (!*ctr_jstr(c, "Image"))
                return ctrd_error_set(err, EINVAL, "Config.Image: an image name is required");
        if (reset_entrypoint(c) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if ((r = check_env(ctr_jget(c, "Env"), err)) < 0 ||
            (r = check_healthcheck(ctr_jget(c, "Healthcheck"), err)) < 0)
                return r;
        if (*wd && wd[0] != '/')
                return ctrd_error_set(err, EINVAL,
                                      "the working directory '%s' is invalid, it needs to be an "
                                      "absolute path", wd);
        if (*sig && ctr_config_parse_signal(sig, &signo) < 0)
                return ctrd_error_set(err, EINVAL, "Invalid signal: %s", sig);
        if (ctr_jget(c, "StopTimeout") && ctr_jint(c, "StopTimeout") < -1)
                return ctrd_error_set(err, EINVAL, "Config.StopTimeout: must be -1 or more");
        if (!valid_hostname(ctr_jstr(c, "Hostname")))
                return ctrd_error_set(err, EINVAL, "invalid hostname format: %s",
                                      ctr_jstr(c, "Hostname"));
        json_object_foreach(ports, key, v)
                if ((r = check_port(key, err)) < 0)
                        return r;
        return 0;
}

/* Docker answers a body without any Config field as if there were no config at all. */
static bool has_config(json_t *body) {
        for (size_t i = 0; i < ARRAY_SIZE(config_fields); i++)
                if (json_object_get(body, config_fields[i].name))
                        return true;
        return false;
}

int ctr_config_validate(json_t *body, json_t **ret_config, json_t **ret_host,
                        struct ctrd_error *err) {
        _cleanup_json_ json_t *config = NULL, *host = NULL;
        int r;

        if (!json_is_object(body) || !has_config(body))
                return ctrd_error_set(err, EINVAL,
                                      "Config cannot be empty in order to create a container");
        config = json_object();
        if (!config)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if ((r = ctr_jcopy_fields(body, "Config", config_fields, ARRAY_SIZE(config_fields),
                                  config, err)) < 0 ||
            (r = ctr_jcheck(json_object_get(body, "HostConfig"), CTR_J_OBJECT, "HostConfig",
                            err)) < 0 ||
            (r = check_config(config, err)) < 0 ||
            (r = ctr_hostconfig_normalize(ctr_jget(body, "HostConfig"), &host, err)) < 0 ||
            (r = ctr_mounts_check(config, host, err)) < 0)
                return r;
        *ret_config = TAKE_PTR(config);
        *ret_host = TAKE_PTR(host);
        return 0;
}
