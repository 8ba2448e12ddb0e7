/*
 * ctrctl ps: GET /containers/json rendered as docker ps renders it. Each
 * listed container becomes a row object with the fields docker's --format
 * knows (ID, Image, Command, RunningFor, ...), so the default table, a user
 * template and {{json .}} all render the same data.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "human-duration.h"
#include "cmd-containers.h"
#include "cmd.h"
#include "flags.h"
#include "format.h"

#define PS_TABLE "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"

struct ps_opts {
        bool all, quiet, no_trunc, size, latest;
        int64_t last;
        const char *format;
        json_t *filters;
};

static const char *str(json_t *o, const char *key) {
        const char *s = json_string_value(json_object_get(o, key));
        return s ? s : "";
}

typedef const char *(*item_text_fn)(json_t *item, bool trunc, char *buf, size_t len);

/* Joins each(item) of an array (or the keys of an object) with sep into a heap string. */
static char *join(json_t *items, const char *sep, item_text_fn each, bool trunc) {
        char *out = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);
        if (!f)
                return NULL;
        size_t i, n = 0;
        const char *k;
        json_t *v;
        char buf[256];
        if (json_is_object(items)) {
                json_object_foreach(items, k, v) {
                        (void) v;
                        fprintf(f, "%s%s", n++ ? sep : "", k);
                }
        } else {
                json_array_foreach(items, i, v) {
                        const char *s = each(v, trunc, buf, sizeof(buf));
                        if (s)
                                fprintf(f, "%s%s", n++ ? sep : "", s);
                }
        }
        fclose(f);
        return out;
}

static const char *name_text(json_t *n, bool trunc, char *buf, size_t len) {
        const char *s = json_string_value(n);
        if (!s || !*s)
                return NULL;
        s++;    /* the leading '/' */
        /* Names with another '/' are legacy links; docker shows them only with --no-trunc. */
        if (trunc && strchr(s, '/'))
                return NULL;
        snprintf(buf, len, "%s", s);
        return buf;
}

static const char *mount_text(json_t *m, bool trunc, char *buf, size_t len) {
        const char *name = str(m, "Name");
        _cleanup_free_ char *cut = ctl_ellipsis(*name ? name : str(m, "Source"), trunc ? 15 : SIZE_MAX);
        snprintf(buf, len, "%s", cut ? cut : "");
        return buf;
}

static const char *label_text(json_t *kv, bool trunc, char *buf, size_t len) {
        return json_string_value(kv);
}

static char *labels_text(json_t *labels) {
        json_t *pairs = json_array();
        const char *k;
        json_t *v;
        json_object_foreach(labels, k, v) {
                char *kv = NULL;
                if (asprintf(&kv, "%s=%s", k, json_string_value(v) ? json_string_value(v) : "") >= 0) {
                        json_array_append_new(pairs, json_string(kv));
                        free(kv);
                }
        }
        char *s = join(pairs, ",", label_text, false);
        json_decref(pairs);
        return s;
}

static char *image_text(const char *image, bool trunc) {
        if (trunc && strncmp(image, "sha256:", 7) == 0)
                return strndup(image + 7, 12);
        const char *at = trunc ? strstr(image, "@sha256:") : NULL;
        return at ? strndup(image, (size_t) (at - image)) : strdup(image);
}

static char *quoted_command(const char *cmd, bool trunc) {
        _cleanup_free_ char *cut = ctl_ellipsis(cmd, trunc ? 20 : SIZE_MAX);
        char *out = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);
        if (!f || !cut) {
                if (f)
                        fclose(f);
                return NULL;
        }
        fputc('"', f);
        for (const char *p = cut; *p; p++) {
                if (*p == '"' || *p == '\\')
                        fputc('\\', f);
                fputc(*p, f);
        }
        fputc('"', f);
        fclose(f);
        return out;
}

static void size_text(json_t *ctr, char *buf, size_t len) {
        char rw[32], root[32];
        json_int_t root_size = json_integer_value(json_object_get(ctr, "SizeRootFs"));
        ctl_human_size((double) json_integer_value(json_object_get(ctr, "SizeRw")), 3, rw, sizeof(rw));
        ctl_human_size((double) root_size, 3, root, sizeof(root));
        if (root_size > 0)
                snprintf(buf, len, "%s (virtual %s)", rw, root);
        else
                snprintf(buf, len, "%s", rw);
}

/* The row object for one listed container, keys in the order docker's {{json .}} prints them. */
static json_t *ps_row(json_t *ctr, int64_t now, bool trunc) {
        char created_at[64], running_for[64], size[96], local_volumes[16];
        time_t created = (time_t) json_integer_value(json_object_get(ctr, "Created"));
        struct tm tm;
        strftime(created_at, sizeof(created_at), "%Y-%m-%d %H:%M:%S %z %Z", localtime_r(&created, &tm));
        ctrd_human_duration(now - created, running_for, sizeof(running_for) - 4);
        strcat(running_for, " ago");
        size_text(ctr, size, sizeof(size));
        json_t *mounts = json_object_get(ctr, "Mounts");
        size_t i, n_local = 0;
        json_t *m;
        json_array_foreach(mounts, i, m)
                n_local += strcmp(str(m, "Driver"), "local") == 0;
        snprintf(local_volumes, sizeof(local_volumes), "%zu", n_local);
        _cleanup_free_ char *id = strndup(str(ctr, "Id"), trunc ? 12 : SIZE_MAX);
        _cleanup_free_ char *command = quoted_command(str(ctr, "Command"), trunc);
        _cleanup_free_ char *image = image_text(str(ctr, "Image"), trunc);
        _cleanup_free_ char *labels = labels_text(json_object_get(ctr, "Labels"));
        _cleanup_free_ char *mount_names = join(mounts, ",", mount_text, trunc);
        _cleanup_free_ char *names = join(json_object_get(ctr, "Names"), ",", name_text, trunc);
        _cleanup_free_ char *networks = join(json_object_get(json_object_get(ctr, "NetworkSettings"),
                                                             "Networks"), ",", NULL, trunc);
        _cleanup_free_ char *ports = ctl_ports_text(json_object_get(ctr, "Ports"));
        return json_pack("{s:s?, s:s, s:s?, s:s?, s:s?, s:s, s:s?, s:s?, s:s?, s:s?, s:s, s:s, s:s, s:s}",
                         "Command", command, "CreatedAt", created_at, "ID", id, "Image", image,
                         "Labels", labels, "LocalVolumes", local_volumes, "Mounts", mount_names,
                         "Names", names, "Networks", networks, "Ports", ports,
                         "RunningFor", running_for, "Size", size, "State", str(ctr, "State"),
                         "Status", str(ctr, "Status"));
}

static json_t *ps_header(void) {
        return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
                         "Command", "COMMAND", "CreatedAt", "CREATED AT", "ID", "CONTAINER ID",
                         "Image", "IMAGE", "Labels", "LABELS", "LocalVolumes", "LOCAL VOLUMES",
                         "Mounts", "MOUNTS", "Names", "NAMES", "Networks", "NETWORKS",
                         "Ports", "PORTS", "RunningFor", "CREATED", "Size", "SIZE",
                         "State", "STATE", "Status", "STATUS");
}

static int render(json_t *list, const struct ps_opts *o) {
        struct ctrd_error err = { 0 };
        struct ctl_format fmt;
        _cleanup_free_ char *def = NULL;
        if (asprintf(&def, "%s%s", PS_TABLE, o->size ? "\t{{.Size}}" : "") < 0)
                return 1;
        /* -q prints IDs only, whatever --format says. */
        const char *format = o->quiet ? "{{.ID}}" : o->format;
        int r = ctl_format_init(&fmt, format, def, &err);
        if (r >= 0 && fmt.table) {
                json_t *header = ps_header();
                r = ctl_format_row(&fmt, header, &err);
                json_decref(header);
        }
        int64_t now = time(NULL);
        size_t i;
        json_t *ctr;
        json_array_foreach(list, i, ctr) {
                if (r < 0)
                        break;
                json_t *row = ps_row(ctr, now, !o->no_trunc);
                r = row ? ctl_format_row(&fmt, row, &err) : -ENOMEM;
                json_decref(row);
        }
        if (r >= 0)
                ctl_format_flush(&fmt, stdout, 10);
        else
                ctl_error("ps: %s", err.msg[0] ? err.msg : "out of memory");
        ctl_format_done(&fmt);
        return r < 0 ? 1 : 0;
}

static char *ps_path(struct ctl_client *c, const struct ps_opts *o) {
        char *path = strdup("/containers/json");
        char limit[32];
        snprintf(limit, sizeof(limit), "%lld", (long long) (o->latest ? 1 : o->last));
        bool all = o->all || o->latest || o->last > 0;
        bool size = o->size || (o->format && strstr(o->format, ".Size"));
        _cleanup_free_ char *filters = json_dumps(o->filters, JSON_COMPACT);
        if (!path || !filters ||
            (all && ctl_path_add_query(c, &path, "all", "1") < 0) ||
            ((o->latest || o->last > 0) && ctl_path_add_query(c, &path, "limit", limit) < 0) ||
            (size && ctl_path_add_query(c, &path, "size", "1") < 0) ||
            (json_object_size(o->filters) > 0 && ctl_path_add_query(c, &path, "filters", filters) < 0)) {
                free(path);
                return NULL;
        }
        return path;
}

static const char ps_help[] =
        "  -a, --all             Show all containers (default shows just running)\n"
        "  -f, --filter filter   Filter output based on conditions provided\n"
        "      --format string   Format output using a custom template:\n"
        "                        'table':            Print output in table format with column "
        "headers (default)\n"
        "                        'table TEMPLATE':   Print output in table format using the given "
        "Go template\n"
        "                        'json':             Print in JSON format\n"
        "                        'TEMPLATE':         Print output using the given Go template\n"
        "  -n, --last int        Show n last created containers (includes all states)\n"
        "  -l, --latest          Show the latest created container (includes all states)\n"
        "      --no-trunc        Don't truncate output\n"
        "  -q, --quiet           Only display container IDs\n"
        "  -s, --size            Display total file sizes\n";

/* Parses ps's flags into o; returns -1 to go on, or the exit code. */
static int ps_parse(int argc, char *argv[], struct ps_opts *o) {
        static const struct option longs[] = {
                { "all", no_argument, NULL, 'a' }, { "quiet", no_argument, NULL, 'q' },
                { "filter", required_argument, NULL, 'f' }, { "format", required_argument, NULL, 'F' },
                { "no-trunc", no_argument, NULL, 'T' }, { "last", required_argument, NULL, 'n' },
                { "latest", no_argument, NULL, 'l' }, { "size", no_argument, NULL, 's' },
                { "help", no_argument, NULL, 'H' }, {}
        };
        struct ctrd_error err = { 0 };
        int opt;
        optind = 0;
        opterr = 0;
        while ((opt = getopt_long(argc, argv, "aqf:n:ls", longs, NULL)) >= 0) {
                switch (opt) {
                case 'a': o->all = true; break;
                case 'q': o->quiet = true; break;
                case 'T': o->no_trunc = true; break;
                case 'l': o->latest = true; break;
                case 's': o->size = true; break;
                case 'F': o->format = optarg; break;
                case 'H':
                        ctl_usage("ctrctl ps [OPTIONS]", "List containers", ps_help);
                        return 0;
                case 'f':
                        if (ctl_add_filter(o->filters, optarg, &err) < 0) {
                                ctl_error("ps: %s", err.msg);
                                return 1;
                        }
                        break;
                case 'n':
                        if (ctl_parse_int_flag("--last", optarg, -1, INT32_MAX, &o->last, &err) < 0) {
                                ctl_error("ps: %s", err.msg);
                                return 1;
                        }
                        break;
                default:
                        ctl_bad_flag("ps", optopt, argv, optind);
                        return 1;
                }
        }
        if (optind < argc) {
                ctl_error("\"ps\" accepts no arguments (see 'ctrctl ps --help')");
                return 1;
        }
        return -1;
}

int ctl_cmd_ps(struct ctl_client *c, int argc, char *argv[]) {
        struct ps_opts o = { .last = -1, .filters = json_object() };
        int r = ps_parse(argc, argv, &o);
        if (r < 0) {
                _cleanup_free_ char *path = ps_path(c, &o);
                json_t *list = NULL;
                int status = path ? ctl_call(c, "GET", path, NULL, &list) : -ENOMEM;
                r = status >= 200 && status < 300 ? render(list, &o) : 1;
                json_decref(list);
        }
        json_decref(o.filters);
        return r;
}
