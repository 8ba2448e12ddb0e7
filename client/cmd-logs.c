/*
 * ctrctl logs: like the docker CLI, inspect first (to learn the ID and
 * whether the container has a TTY), then stream GET /containers/ID/logs.
 * Without a TTY the body is framed: stdout frames go to our stdout and
 * stderr frames to our stderr. With a TTY it is raw bytes for stdout.
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
#include "stream.h"

struct logs_opts {
        bool follow, timestamps, details;
        const char *tail, *since, *until;
};

static int write_frame(void *userdata, int stream, const char *data, size_t len) {
        FILE *f = stream == 2 ? stderr : stdout;
        if (fwrite(data, 1, len, f) != len)
                return -EIO;
        fflush(f);
        return 0;
}

static int write_raw(void *userdata, const char *data, size_t len) {
        return write_frame(userdata, 1, data, len);
}

static int feed_demux(void *userdata, const char *data, size_t len) {
        return ctl_demux_feed(userdata, data, len);
}

/* Adds since/until in the API's form (see ctl_parse_timestamp). */
static int add_time(struct ctl_client *c, char **path, const char *key, const char *value) {
        struct ctrd_error err = { 0 };
        _cleanup_free_ char *ts = NULL;
        if (!value)
                return 0;
        if (ctl_parse_timestamp(value, time(NULL), &ts, &err) < 0) {
                ctl_error("logs: invalid value for \"--%s\": %s", key, err.msg);
                return -EINVAL;
        }
        return ctl_path_add_query(c, path, key, ts);
}

/* Query keys in the order the docker CLI sends them (Go sorts them). */
static char *logs_path(struct ctl_client *c, const char *id, const struct logs_opts *o) {
        _cleanup_free_ char *path = ctl_container_path(c, id, "/logs");
        if (!path)
                return NULL;
        if ((o->details && ctl_path_add_query(c, &path, "details", "1") < 0) ||
            (o->follow && ctl_path_add_query(c, &path, "follow", "1") < 0) ||
            add_time(c, &path, "since", o->since) < 0 ||
            ctl_path_add_query(c, &path, "stderr", "1") < 0 ||
            ctl_path_add_query(c, &path, "stdout", "1") < 0 ||
            ctl_path_add_query(c, &path, "tail", o->tail) < 0 ||
            (o->timestamps && ctl_path_add_query(c, &path, "timestamps", "1") < 0) ||
            add_time(c, &path, "until", o->until) < 0)
                return NULL;
        return TAKE_PTR(path);
}

static int stream_logs(struct ctl_client *c, const char *path, bool tty) {
        struct ctl_demux demux;
        struct ctl_stream s;
        ctl_demux_init(&demux, write_frame, NULL);
        int r = tty ? ctl_stream_open(c, &s, "GET", path, NULL, write_raw, NULL)
                    : ctl_stream_open(c, &s, "GET", path, NULL, feed_demux, &demux);
        if (r >= 0)
                r = ctl_stream_run(&s);
        ctl_stream_close(&s);
        if (r >= 0 && !tty && ctl_demux_finish(&demux) < 0) {
                if (demux.sys_error_len)
                        ctl_error("error from daemon in stream: %s", demux.sys_error);
                else
                        ctl_error("the log stream ended in the middle of a frame");
                r = -EPROTO;
        }
        return r < 0 ? 1 : 0;
}

static const char logs_help[] =
        "      --details        Show extra details provided to logs\n"
        "  -f, --follow         Follow log output\n"
        "      --since string   Show logs since timestamp (e.g. \"2013-01-02T13:23:37Z\") or "
        "relative (e.g. \"42m\" for 42 minutes)\n"
        "  -n, --tail string    Number of lines to show from the end of the logs (default \"all\")\n"
        "  -t, --timestamps     Show timestamps\n"
        "      --until string   Show logs before a timestamp (e.g. \"2013-01-02T13:23:37Z\") or "
        "relative (e.g. \"42m\" for 42 minutes)\n";

/* Returns -1 to go on with the container at argv[optind], or the exit code. */
static int logs_parse(int argc, char *argv[], struct logs_opts *o) {
        static const struct option longs[] = {
                { "follow", no_argument, NULL, 'f' }, { "timestamps", no_argument, NULL, 't' },
                { "tail", required_argument, NULL, 'n' }, { "since", required_argument, NULL, 'S' },
                { "until", required_argument, NULL, 'U' }, { "details", no_argument, NULL, 'D' },
                { "help", no_argument, NULL, 'H' }, {}
        };
        int opt;
        optind = 0;
        opterr = 0;
        while ((opt = getopt_long(argc, argv, "ftn:", longs, NULL)) >= 0) {
                switch (opt) {
                case 'f': o->follow = true; break;
                case 't': o->timestamps = true; break;
                case 'D': o->details = true; break;
                case 'n': o->tail = optarg; break;
                case 'S': o->since = optarg; break;
                case 'U': o->until = optarg; break;
                case 'H':
                        ctl_usage("ctrctl logs [OPTIONS] CONTAINER", "Fetch the logs of a container",
                                  logs_help);
                        return 0;
                default:
                        ctl_bad_flag("logs", optopt, argv, optind);
                        return 1;
                }
        }
        if (argc - optind != 1) {
                ctl_error("\"logs\" requires exactly 1 argument (see 'ctrctl logs --help')");
                return 1;
        }
        return -1;
}

int ctl_cmd_logs(struct ctl_client *c, int argc, char *argv[]) {
        struct logs_opts o = { .tail = "all" };
        int r = logs_parse(argc, argv, &o);
        if (r >= 0)
                return r;
        _cleanup_free_ char *inspect_path = ctl_container_path(c, argv[optind], "/json");
        json_t *info = NULL;
        int status = inspect_path ? ctl_call(c, "GET", inspect_path, NULL, &info) : -ENOMEM;
        if (status < 200 || status >= 300)
                return 1;
        const char *id = json_string_value(json_object_get(info, "Id"));
        bool tty = json_is_true(json_object_get(json_object_get(info, "Config"), "Tty"));
        _cleanup_free_ char *path = logs_path(c, id ? id : argv[optind], &o);
        json_decref(info);
        return path ? stream_logs(c, path, tty) : 1;
}
