#include "image-config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "daemon/digest.h"

void image_format_time(const struct timespec *ts, char buf[40]) {
        struct tm tm;
        char date[24];
        gmtime_r(&ts->tv_sec, &tm);
        strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(buf, 40, "%s.%09ldZ", date, ts->tv_nsec);
}

int image_parse_time(const char *s, int64_t *ret) {
        struct tm tm = { 0 };
        const char *rest = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
        if (!rest)
                return -EINVAL;
        int64_t t = (int64_t) timegm(&tm);
        if (*rest == '.')
                for (rest++; isdigit((unsigned char) *rest); rest++)
                        ;
        if (*rest == '+' || *rest == '-') {
                int hh = 0, mm = 0;
                if (sscanf(rest + 1, "%2d:%2d", &hh, &mm) != 2)
                        return -EINVAL;
                t -= (*rest == '+' ? 1 : -1) * (int64_t) (hh * 3600 + mm * 60);
        } else if (*rest != 'Z') {
                return -EINVAL;
        }
        *ret = t;
        return 0;
}

static int parse_diff_ids(json_t *ids, struct image_config *c, struct ctrd_error *err) {
        size_t n = json_array_size(ids);
        c->diff_ids = calloc(n + 1, sizeof(char *));
        if (!c->diff_ids)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
                const char *d = json_string_value(json_array_get(ids, i));
                if (!digest_is_valid(d))
                        return ctrd_error_set(err, EINVAL, "image config: invalid diff_id %zu", i);
                if (!(c->diff_ids[i] = strdup(d)))
                        return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        c->n_layers = n;
        return 0;
}

int image_config_parse(const char *data, size_t len, struct image_config *ret,
                       struct ctrd_error *err) {
        struct image_config c = { 0 };
        json_error_t jerr;
        c.root = json_loadb(data, len, 0, &jerr);
        if (!c.root || !json_is_object(c.root)) {
                json_decref(c.root);
                return ctrd_error_set(err, EINVAL, "image config is not a JSON object: %s",
                                      c.root ? "" : jerr.text);
        }
        json_t *rootfs = json_object_get(c.root, "rootfs");
        const char *type = json_string_value(json_object_get(rootfs, "type"));
        json_t *ids = json_object_get(rootfs, "diff_ids");
        int r = 0;
        if (!type || strcmp(type, "layers") != 0 || !json_is_array(ids) || json_array_size(ids) == 0)
                r = ctrd_error_set(err, EINVAL, "image config: rootfs must be of type \"layers\" "
                                   "with at least one diff_id");
        if (r >= 0)
                r = parse_diff_ids(ids, &c, err);
        if (r < 0) {
                image_config_clear(&c);
                return r;
        }
        const char *created = json_string_value(json_object_get(c.root, "created"));
        if (created)
                (void) image_parse_time(created, &c.created);   /* a bad time is just unknown */
        *ret = c;
        return 0;
}

void image_config_clear(struct image_config *c) {
        json_decref(c->root);
        strv_free(c->diff_ids);
        *c = (struct image_config) { 0 };
}

/* Exec form (a JSON array of strings) or shell form ("/bin/sh -c ..."). */
static json_t *command_value(const char *arg) {
        json_t *j = json_loads(arg, 0, NULL);
        if (json_is_array(j)) {
                size_t i;
                json_t *v;
                json_array_foreach(j, i, v)
                        if (!json_is_string(v)) {
                                json_decref(j);
                                return NULL;
                        }
                return j;
        }
        json_decref(j);
        return json_pack("[s,s,s]", "/bin/sh", "-c", arg);
}

static int append_env(json_t *config, const char *arg, struct ctrd_error *err) {
        const char *eq = strchr(arg, '=');
        const char *sp = strchr(arg, ' ');
        _cleanup_free_ char *kv = NULL;
        /* "ENV A=B" and the old "ENV A B" form. */
        if (eq && (!sp || eq < sp))
                kv = strdup(arg);
        else if (sp && asprintf(&kv, "%.*s=%s", (int) (sp - arg), arg, sp + 1) < 0)
                kv = NULL;
        if (!kv || kv[0] == '=')
                return ctrd_error_set(err, EINVAL, "ENV needs NAME=VALUE");
        json_t *env = json_object_get(config, "Env");
        if (!json_is_array(env)) {
                env = json_array();
                json_object_set_new(config, "Env", env);
        }
        size_t klen = (size_t) (strchr(kv, '=') - kv) + 1, i;
        json_t *v;
        json_array_foreach(env, i, v)
                if (strncmp(json_string_value(v) ?: "", kv, klen) == 0)
                        return json_array_set_new(env, i, json_string(kv)) == 0 ? 0 : -ENOMEM;
        return json_array_append_new(env, json_string(kv)) == 0 ? 0 : -ENOMEM;
}

/* LABEL k=v, EXPOSE 80/tcp and VOLUME /x add a key to an object. */
static int add_to_object(json_t *config, const char *field, const char *key, json_t *value) {
        json_t *o = json_object_get(config, field);
        if (!json_is_object(o)) {
                o = json_object();
                json_object_set_new(config, field, o);
        }
        return json_object_set_new(o, key, value) == 0 ? 0 : -ENOMEM;
}

static int apply_keyed(json_t *config, const char *instr, const char *arg, struct ctrd_error *err) {
        if (strcasecmp(instr, "LABEL") == 0) {
                const char *eq = strchr(arg, '=');
                if (!eq || eq == arg)
                        return ctrd_error_set(err, EINVAL, "LABEL needs KEY=VALUE");
                _cleanup_free_ char *k = strndup(arg, (size_t) (eq - arg));
                return k ? add_to_object(config, "Labels", k, json_string(eq + 1)) : -ENOMEM;
        }
        if (strcasecmp(instr, "EXPOSE") == 0) {
                _cleanup_free_ char *k = NULL;
                if (asprintf(&k, "%s%s", arg, strchr(arg, '/') ? "" : "/tcp") < 0)
                        return -ENOMEM;
                return add_to_object(config, "ExposedPorts", k, json_object());
        }
        return add_to_object(config, "Volumes", arg, json_object());
}

int image_config_apply_change(json_t *config, const char *change, struct ctrd_error *err) {
        while (isspace((unsigned char) *change))
                change++;
        size_t n = strcspn(change, " \t");
        const char *arg = change + n + strspn(change + n, " \t");
        char instr[16];
        if (n == 0 || n >= sizeof(instr) || !*arg)
                return ctrd_error_set(err, EINVAL, "invalid change \"%s\"", change);
        snprintf(instr, sizeof(instr), "%.*s", (int) n, change);
        if (strcasecmp(instr, "CMD") == 0 || strcasecmp(instr, "ENTRYPOINT") == 0) {
                json_t *v = command_value(arg);
                if (!v)
                        return ctrd_error_set(err, EINVAL, "%s: expected a JSON array of strings", instr);
                return json_object_set_new(config, strcasecmp(instr, "CMD") == 0 ? "Cmd" : "Entrypoint",
                                           v) == 0 ? 0 : -ENOMEM;
        }
        if (strcasecmp(instr, "ENV") == 0)
                return append_env(config, arg, err);
        if (strcasecmp(instr, "WORKDIR") == 0 || strcasecmp(instr, "USER") == 0 ||
            strcasecmp(instr, "STOPSIGNAL") == 0) {
                const char *key = strcasecmp(instr, "WORKDIR") == 0 ? "WorkingDir"
                                : strcasecmp(instr, "USER") == 0 ? "User" : "StopSignal";
                return json_object_set_new(config, key, json_string(arg)) == 0 ? 0 : -ENOMEM;
        }
        if (strcasecmp(instr, "LABEL") == 0 || strcasecmp(instr, "EXPOSE") == 0 ||
            strcasecmp(instr, "VOLUME") == 0)
                return apply_keyed(config, instr, arg, err);
        return ctrd_error_set(err, EINVAL, "%s is not a valid change command", instr);
}

int image_config_for_import(const char *diff_id, char *const *changes, const char *comment,
                            const struct timespec *now, char **ret, struct ctrd_error *err) {
        char created[40];
        image_format_time(now, created);
        json_t *root = json_pack("{s:s, s:{}, s:s, s:[{s:s, s:s}], s:s, s:{s:s, s:[s]}}",
                                 "architecture", "amd64",
                                 "config",
                                 "created", created,
                                 "history", "created", created, "comment", comment,
                                 "os", "linux",
                                 "rootfs", "type", "layers", "diff_ids", diff_id);
        if (!root)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        json_t *config = json_object_get(root, "config");
        for (size_t i = 0; changes && changes[i]; i++) {
                int r = image_config_apply_change(config, changes[i], err);
                if (r < 0) {
                        json_decref(root);
                        return r == -ENOMEM ? ctrd_error_set(err, ENOMEM, "out of memory") : r;
                }
        }
        char *s = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(root);
        if (!s)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        *ret = s;
        return 0;
}
