/* Containers as Docker shows them: the inspect object and the list entry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "container-internal.h"
#include "human-duration.h"
#include "image-service.h"
#include "graphdriver.h"
#include "net.h"
#include "timefmt.h"

#define ZERO_TIME "0001-01-01T00:00:00Z"

static const char *time_or_zero(const char *t) {
        return t && *t ? t : ZERO_TIME;
}

/* The process: Entrypoint then Cmd; Path is the first word, Args the rest. */
static json_t *process_words(struct ctr *c) {
        json_t *words = json_array();
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(ctr_config(c), "Entrypoint"), i, v)
                json_array_append(words, v);
        json_array_foreach(json_object_get(ctr_config(c), "Cmd"), i, v)
                json_array_append(words, v);
        return words;
}

static char *path_in_dir(struct ctr *c, const char *name) {
        char *p = NULL;
        if (asprintf(&p, "%s/%s", c->dir, name) < 0)
                return NULL;
        return p;
}

static json_t *state_json(struct ctr *c) {
        const char *st = c->rec.state;
        return json_pack("{s:s, s:b, s:b, s:b, s:b, s:b, s:I, s:I, s:s, s:s, s:s}",
                         "Status", st,
                         "Running", ctr_is_running(c) || strcmp(st, "restarting") == 0,
                         "Paused", strcmp(st, "paused") == 0,
                         "Restarting", strcmp(st, "restarting") == 0,
                         "OOMKilled", c->rec.oom_killed,
                         "Dead", strcmp(st, "dead") == 0,
                         "Pid", (json_int_t) c->rec.pid,
                         "ExitCode", (json_int_t) c->rec.exit_code,
                         "Error", c->rec.error,
                         "StartedAt", time_or_zero(c->rec.started_at),
                         "FinishedAt", time_or_zero(c->rec.finished_at));
}

json_t *ctr_inspect_json(struct ctr *c) {
        char created[40], name[300];
        struct timespec ts = { .tv_sec = c->rec.created_ns / 1000000000,
                               .tv_nsec = c->rec.created_ns % 1000000000 };
        ctrd_format_rfc3339(&ts, created, sizeof(created));
        snprintf(name, sizeof(name), "/%s", c->rec.name);
        json_t *words = process_words(c);
        json_t *path = json_array_get(words, 0);
        json_t *args = json_array();
        for (size_t i = 1; i < json_array_size(words); i++)
                json_array_append(args, json_array_get(words, i));
        _cleanup_free_ char *resolv = path_in_dir(c, "resolv.conf"), *hostname = path_in_dir(c, "hostname"),
                            *hosts = path_in_dir(c, "hosts"), *logpath = NULL, *rootfs = path_in_dir(c, "rootfs");
        if (asprintf(&logpath, "%s/%s-json.log", c->dir, c->rec.id) < 0)
                logpath = NULL;
        json_t *o = json_pack(
                "{s:s, s:s, s:s, s:o, s:o, s:s, s:s?, s:s?, s:s?, s:s?, s:s, s:I, s:s, s:s, s:s,"
                " s:s, s:s, s:n, s:O, s:{s:s, s:{s:s?}}, s:[], s:O, s:o}",
                "Id", c->rec.id,
                "Created", created,
                "Path", json_string_value(path) ? json_string_value(path) : "",
                "Args", args,
                "State", state_json(c),
                "Image", c->rec.image_id,
                "ResolvConfPath", resolv, "HostnamePath", hostname, "HostsPath", hosts,
                "LogPath", logpath,
                "Name", name,
                "RestartCount", (json_int_t) c->rec.restart_count,
                "Driver", c->engine->images->driver->name,
                "Platform", "linux",
                "MountLabel", "",
                "ProcessLabel", "",
                "AppArmorProfile", "",
                "ExecIDs",
                "HostConfig", ctr_host(c),
                "GraphDriver", "Name", c->engine->images->driver->name, "Data", "MergedDir", rootfs,
                "Mounts",
                "Config", ctr_config(c),
                "NetworkSettings", net_container_settings_json(c, true));
        json_decref(words);
        return o;
}

/* Docker's list "Command": the words joined, any with a space single-quoted. */
static char *command_string(struct ctr *c) {
        json_t *words = process_words(c);
        size_t len = 1, i;
        json_t *v;
        json_array_foreach(words, i, v)
                len += strlen(json_string_value(v) ? json_string_value(v) : "") + 3;
        char *s = calloc(1, len);
        if (s) {
                json_array_foreach(words, i, v) {
                        const char *w = json_string_value(v) ? json_string_value(v) : "";
                        bool quote = strchr(w, ' ') != NULL;
                        if (i > 0)
                                strcat(s, " ");
                        if (quote)
                                strcat(s, "'");
                        strcat(s, w);
                        if (quote)
                                strcat(s, "'");
                }
        }
        json_decref(words);
        return s;
}

static void status_string(struct ctr *c, char *buf, size_t len) {
        const char *st = c->rec.state;
        int64_t now = time(NULL), t = 0;
        char d[64];
        if (strcmp(st, "running") == 0 || strcmp(st, "paused") == 0) {
                ctrd_parse_rfc3339(c->rec.started_at, &t);
                ctrd_human_duration(now - t, d, sizeof(d));
                snprintf(buf, len, "Up %s%s", d, strcmp(st, "paused") == 0 ? " (Paused)" : "");
        } else if (strcmp(st, "restarting") == 0 || strcmp(st, "exited") == 0) {
                ctrd_parse_rfc3339(c->rec.finished_at, &t);
                ctrd_human_duration(now - t, d, sizeof(d));
                snprintf(buf, len, "%s (%lld) %s ago", strcmp(st, "exited") == 0 ? "Exited" : "Restarting",
                         (long long) c->rec.exit_code, d);
        } else if (strcmp(st, "removing") == 0) {
                snprintf(buf, len, "Removal In Progress");
        } else if (strcmp(st, "dead") == 0) {
                snprintf(buf, len, "Dead");
        } else {
                snprintf(buf, len, "Created");
        }
}

/* The list entry with status as its Status. */
static json_t *list_json(struct ctr *c, const char *status) {
        char name[300];
        snprintf(name, sizeof(name), "/%s", c->rec.name);
        _cleanup_free_ char *command = command_string(c);
        json_t *labels = json_object_get(ctr_config(c), "Labels");
        labels = json_is_object(labels) ? json_incref(labels) : json_object();
        return json_pack("{s:s, s:[s], s:s, s:s, s:s, s:I, s:o, s:o, s:s, s:s, s:{s:s}, s:o, s:[]}",
                         "Id", c->rec.id,
                         "Names", name,
                         "Image", c->rec.image,
                         "ImageID", c->rec.image_id,
                         "Command", command ? command : "",
                         "Created", (json_int_t) (c->rec.created_ns / 1000000000),
                         "Ports", net_container_ports_json(c),
                         "Labels", labels,
                         "State", c->rec.state,
                         "Status", status,
                         "HostConfig", "NetworkMode", ctr_json_str(ctr_host(c), "NetworkMode", "default"),
                         "NetworkSettings", net_container_settings_json(c, false),
                         "Mounts");
}

/* A Status no real one can be, to find where it sits in the rendered text. */
#define STATUS_MARK "\x01status\x01"
#define STATUS_MARK_JSON "\"\\u0001status\\u0001\""

static int list_render(struct ctr *c) {
        if (!ctr_config(c) || !ctr_host(c))
                return -ENOMEM;
        json_t *o = list_json(c, STATUS_MARK);
        char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        char *mark = text ? strstr(text, STATUS_MARK_JSON) : NULL;
        if (!mark) {
                free(text);
                return -ENOMEM;
        }
        free(c->list_text);
        c->list_text = text;
        c->list_status_at = (size_t) (mark - text);
        c->list_tail_at = c->list_status_at + strlen(STATUS_MARK_JSON);
        c->list_generation = c->engine->containers.generation;
        return 0;
}

static int buf_add(char **buf, size_t *len, size_t *cap, const char *s, size_t n) {
        if (*len + n + 1 > *cap) {
                size_t ncap = *cap ? *cap : 4096;
                while (ncap < *len + n + 1)
                        ncap *= 2;
                char *nb = realloc(*buf, ncap);
                if (!nb)
                        return -ENOMEM;
                *buf = nb;
                *cap = ncap;
        }
        memcpy(*buf + *len, s, n);
        *len += n;
        (*buf)[*len] = '\0';
        return 0;
}

/* Renders c's entry when stale; trees parsed only for it go at once (a list renders them all). */
static int entry_fresh(struct ctr *c) {
        if (c->list_generation == c->engine->containers.generation && c->list_text)
                return 0;
        bool had_trees = c->parsed_config || c->parsed_host;
        int r = list_render(c);
        if (!had_trees)
                ctr_parsed_release(c);
        return r;
}

static int entry_append(struct ctr *c, char **buf, size_t *len, size_t *cap) {
        if (entry_fresh(c) < 0)
                return -ENOMEM;
        /* Status texts are plain ASCII words and digits: nothing to escape. */
        char status[128];
        status_string(c, status, sizeof(status));
        const char *t = c->list_text;
        if (buf_add(buf, len, cap, t, c->list_status_at) < 0 || buf_add(buf, len, cap, "\"", 1) < 0 ||
            buf_add(buf, len, cap, status, strlen(status)) < 0 || buf_add(buf, len, cap, "\"", 1) < 0)
                return -ENOMEM;
        return buf_add(buf, len, cap, t + c->list_tail_at, strlen(t + c->list_tail_at));
}

int ctr_list_text(struct ctrd_engine *e, bool (*keep)(struct ctr *c, void *userdata), void *userdata,
                  int64_t limit, char **ret, size_t *ret_len) {
        char *buf = NULL;
        size_t len = 0, cap = 0;
        int64_t n = 0;
        int r = buf_add(&buf, &len, &cap, "[", 1);
        for (struct ctr *c = e->containers.list; c && r >= 0; c = c->next) {
                if (limit > 0 && n >= limit)
                        break;
                if (!keep(c, userdata))
                        continue;
                if (n++ > 0)
                        r = buf_add(&buf, &len, &cap, ",", 1);
                if (r >= 0)
                        r = entry_append(c, &buf, &len, &cap);
        }
        if (r >= 0)
                r = buf_add(&buf, &len, &cap, "]\n", 2);
        if (r < 0) {
                free(buf);
                return -ENOMEM;
        }
        *ret = buf;
        *ret_len = len;
        return 0;
}
