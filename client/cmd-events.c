/*
 * ctrctl events: GET /events streamed line by line; each event printed as
 * docker prints it ("TIME TYPE ACTION ID (k=v, ...)") or through --format.
 * Without --until it runs until interrupted, like docker events.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "cmd-containers.h"
#include "cmd.h"
#include "flags.h"
#include "format.h"
#include "stream.h"

struct events_opts {
        const char *since, *until, *format;
        json_t *filters;
};

/* Go's RFC3339NanoFixed in local time: "2006-01-02T15:04:05.000000000Z07:00". */
static void event_time(json_t *ev, char *buf, size_t len) {
        int64_t nano = json_integer_value(json_object_get(ev, "timeNano"));
        time_t sec = nano ? (time_t) (nano / 1000000000) : (time_t) json_integer_value(json_object_get(ev, "time"));
        long frac = nano ? (long) (nano % 1000000000) : 0;
        struct tm tm;
        localtime_r(&sec, &tm);
        char date[32], zone[24] = "Z";
        strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
        if (tm.tm_gmtoff != 0)
                snprintf(zone, sizeof(zone), "%c%02ld:%02ld", tm.tm_gmtoff < 0 ? '-' : '+',
                         labs(tm.tm_gmtoff) / 3600, labs(tm.tm_gmtoff) % 3600 / 60);
        snprintf(buf, len, "%s.%09ld%s", date, frac, zone);
}

static int cmp_keys(const void *a, const void *b) {
        return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static void print_event(json_t *ev) {
        char when[64];
        json_t *actor = json_object_get(ev, "Actor"), *attrs = json_object_get(actor, "Attributes");
        const char *type = json_string_value(json_object_get(ev, "Type"));
        const char *action = json_string_value(json_object_get(ev, "Action"));
        const char *id = json_string_value(json_object_get(actor, "ID"));
        event_time(ev, when, sizeof(when));
        printf("%s %s %s %s", when, type ? type : "", action ? action : "", id ? id : "");
        size_t n = json_object_size(attrs), i = 0;
        if (n > 0) {
                const char *keys[n];
                const char *k;
                json_t *v;
                json_object_foreach(attrs, k, v)
                        keys[i++] = k;
                qsort(keys, n, sizeof(keys[0]), cmp_keys);
                for (i = 0; i < n; i++) {
                        const char *val = json_string_value(json_object_get(attrs, keys[i]));
                        printf("%s%s=%s", i ? ", " : " (", keys[i], val ? val : "");
                }
                putchar(')');
        }
        putchar('\n');
}

static int on_event(void *userdata, const char *line, size_t len) {
        const struct events_opts *o = userdata;
        json_t *ev = json_loadb(line, len, 0, NULL);
        if (!ev)
                return 0;       /* not an event: skip it rather than stop following */
        int r = 0;
        if (o->format) {
                struct ctrd_error err = { 0 };
                r = ctl_template_render(strcmp(o->format, "json") == 0 ? "{{json .}}" : o->format,
                                        ev, stdout, &err);
                if (r < 0)
                        ctl_error("events: %s", err.msg);
                else
                        putchar('\n');
        } else {
                print_event(ev);
        }
        fflush(stdout);
        json_decref(ev);
        return r;
}

static int feed_lines(void *userdata, const char *data, size_t len) {
        return ctl_lines_feed(userdata, data, len);
}

static int add_time(struct ctl_client *c, char **path, const char *key, const char *value) {
        struct ctrd_error err = { 0 };
        _cleanup_free_ char *ts = NULL;
        if (!value)
                return 0;
        if (ctl_parse_timestamp(value, time(NULL), &ts, &err) < 0) {
                ctl_error("events: invalid value for \"--%s\": %s", key, err.msg);
                return -EINVAL;
        }
        return ctl_path_add_query(c, path, key, ts);
}

static int events_run(struct ctl_client *c, struct events_opts *o) {
        _cleanup_free_ char *path = strdup("/events");
        _cleanup_free_ char *filters = json_dumps(o->filters, JSON_COMPACT);
        if (!path || !filters ||
            (json_object_size(o->filters) > 0 && ctl_path_add_query(c, &path, "filters", filters) < 0) ||
            add_time(c, &path, "since", o->since) < 0 || add_time(c, &path, "until", o->until) < 0)
                return 1;
        struct ctl_lines lines;
        struct ctl_stream s;
        ctl_lines_init(&lines, on_event, o);
        int r = ctl_stream_open(c, &s, "GET", path, NULL, feed_lines, &lines);
        if (r >= 0)
                r = ctl_stream_run(&s);
        ctl_stream_close(&s);
        ctl_lines_done(&lines);
        return r < 0 ? 1 : 0;
}

static const char events_help[] =
        "  -f, --filter filter   Filter output based on conditions provided\n"
        "      --format string   Format output using a custom template:\n"
        "                        'json':             Print in JSON format\n"
        "                        'TEMPLATE':         Print output using the given Go template\n"
        "      --since string    Show all events created since timestamp\n"
        "      --until string    Stream events until this timestamp\n";

int ctl_cmd_events(struct ctl_client *c, int argc, char *argv[]) {
        static const struct option longs[] = {
                { "filter", required_argument, NULL, 'f' }, { "format", required_argument, NULL, 'F' },
                { "since", required_argument, NULL, 'S' }, { "until", required_argument, NULL, 'U' },
                { "help", no_argument, NULL, 'H' }, {}
        };
        struct events_opts o = { .filters = json_object() };
        struct ctrd_error err = { 0 };
        int opt, rc = -1;
        optind = 0;
        opterr = 0;
        while (rc < 0 && (opt = getopt_long(argc, argv, "f:", longs, NULL)) >= 0) {
                if (opt == 'f' && ctl_add_filter(o.filters, optarg, &err) < 0) {
                        ctl_error("events: %s", err.msg);
                        rc = 1;
                } else if (opt == 'F' || opt == 'S' || opt == 'U') {
                        *(opt == 'F' ? &o.format : opt == 'S' ? &o.since : &o.until) = optarg;
                } else if (opt == 'H') {
                        ctl_usage("ctrctl events [OPTIONS]", "Get real time events from the server",
                                  events_help);
                        rc = 0;
                } else if (opt != 'f') {
                        ctl_bad_flag("events", optopt, argv, optind);
                        rc = 1;
                }
        }
        if (rc < 0 && optind < argc) {
                ctl_error("\"events\" accepts no arguments (see 'ctrctl events --help')");
                rc = 1;
        }
        if (rc < 0)
                rc = events_run(c, &o);
        json_decref(o.filters);
        return rc;
}
