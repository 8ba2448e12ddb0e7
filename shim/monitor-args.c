#include "monitor-args.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <string.h>

#include "string-util.h"

enum {
        ARG_BUNDLE = 0x100, ARG_ID, ARG_RUN_DIR, ARG_LOG_PATH, ARG_LOG_MAX_SIZE, ARG_LOG_MAX_FILES,
        ARG_CGROUP_ROOT, ARG_STDIN, ARG_SYNC_FD, ARG_ATTACH,
};

static const struct option options[] = {
        { "bundle",        required_argument, NULL, ARG_BUNDLE },
        { "id",            required_argument, NULL, ARG_ID },
        { "run-dir",       required_argument, NULL, ARG_RUN_DIR },
        { "log-path",      required_argument, NULL, ARG_LOG_PATH },
        { "log-max-size",  required_argument, NULL, ARG_LOG_MAX_SIZE },
        { "log-max-files", required_argument, NULL, ARG_LOG_MAX_FILES },
        { "cgroup-root",   required_argument, NULL, ARG_CGROUP_ROOT },
        { "stdin",         no_argument,       NULL, ARG_STDIN },
        { "sync-fd",       required_argument, NULL, ARG_SYNC_FD },
        { "attach",        required_argument, NULL, ARG_ATTACH },
        {}
};

static int parse_fd(const char *s, const char *opt, int *ret, struct ctrd_error *err) {
        int64_t v;
        if (ctrd_parse_int64(s, 3, INT32_MAX, &v) < 0)
                return ctrd_error_set(err, EINVAL, "--%s: '%s' is not an fd number >= 3", opt, s);
        if (fcntl((int) v, F_GETFD) < 0)
                return ctrd_error_sys(err, errno, "--%s: fd %s", opt, s);
        *ret = (int) v;
        return 0;
}

/* FD:STREAMS, STREAMS a comma-separated subset of stdin,stdout,stderr. */
static int parse_attach(char *s, struct shim_daemon_args *a, struct ctrd_error *err) {
        char *colon = strchr(s, ':');
        if (!colon)
                return ctrd_error_set(err, EINVAL, "--attach: '%s' is not FD:STREAMS", s);
        if (a->n_attach == SHIM_MAX_ATTACH)
                return ctrd_error_set(err, E2BIG, "--attach: more than %d clients", SHIM_MAX_ATTACH);
        *colon = '\0';
        struct shim_attach_opts *o = &a->attach[a->n_attach].opts;
        *o = (struct shim_attach_opts) { .stdin_once = true };
        int r = parse_fd(s, "attach", &a->attach[a->n_attach].fd, err);
        *colon = ':';
        if (r < 0)
                return r;
        char *save = NULL;
        for (char *t = strtok_r(colon + 1, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                if (strcmp(t, "stdin") == 0)
                        o->in = true;
                else if (strcmp(t, "stdout") == 0)
                        o->out = true;
                else if (strcmp(t, "stderr") == 0)
                        o->err = true;
                else
                        return ctrd_error_set(err, EINVAL, "--attach: unknown stream '%s'", t);
        }
        a->n_attach++;
        return 0;
}

static int parse_one(int c, struct shim_daemon_args *a, struct ctrd_error *err) {
        int64_t v;
        switch (c) {
        case ARG_BUNDLE:      a->bundle = optarg; return 0;
        case ARG_ID:          a->id = optarg; return 0;
        case ARG_RUN_DIR:     a->run_dir = optarg; return 0;
        case ARG_LOG_PATH:    a->log_path = optarg; return 0;
        case ARG_CGROUP_ROOT: a->cgroup_root = optarg; return 0;
        case ARG_STDIN:       a->open_stdin = true; return 0;
        case ARG_SYNC_FD:     return parse_fd(optarg, "sync-fd", &a->sync_fd, err);
        case ARG_ATTACH:      return parse_attach(optarg, a, err);
        case ARG_LOG_MAX_SIZE:
                if (ctrd_parse_int64(optarg, 0, INT64_MAX, &v) < 0)
                        return ctrd_error_set(err, EINVAL, "--log-max-size: '%s' is not a byte count", optarg);
                a->log_max_size = (uint64_t) v;
                return 0;
        case ARG_LOG_MAX_FILES:
                if (ctrd_parse_int64(optarg, 1, 1000, &v) < 0)
                        return ctrd_error_set(err, EINVAL, "--log-max-files: '%s' is not in [1, 1000]", optarg);
                a->log_max_files = (unsigned) v;
                return 0;
        default:
                return ctrd_error_set(err, EINVAL, "unknown option");
        }
}

int shim_daemon_args_parse(int argc, char *argv[], struct shim_daemon_args *ret, struct ctrd_error *err) {
        struct shim_daemon_args a = { .sync_fd = -1, .log_max_files = 1 };
        int c, r;

        optind = 0;     /* a full re-initialisation, so tests can parse several times */
        opterr = 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0) {
                if (c == '?')
                        return ctrd_error_set(err, EINVAL, "unknown option or missing value: '%s'",
                                              argv[optind - 1]);
                r = parse_one(c, &a, err);
                if (r < 0)
                        return r;
        }
        if (optind < argc)
                return ctrd_error_set(err, EINVAL, "unexpected argument '%s'", argv[optind]);
        if (!a.bundle || !a.id || !a.run_dir)
                return ctrd_error_set(err, EINVAL, "--bundle, --id and --run-dir are required");
        *ret = a;
        return 0;
}
