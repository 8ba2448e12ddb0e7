#include "monitor-args.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "string-util.h"

enum {
        ARG_BUNDLE = 0x100, ARG_ID, ARG_RUN_DIR, ARG_LOG_PATH, ARG_LOG_MAX_SIZE, ARG_LOG_MAX_FILES,
        ARG_CGROUP_ROOT, ARG_SECCOMP_CACHE, ARG_STDIN, ARG_SYNC_FD, ARG_ATTACH,
        /* the handover's own */
        ARG_SHIM, ARG_PID, ARG_STDOUT_FD, ARG_STDERR_FD, ARG_STDIN_FD, ARG_PTY_FD, ARG_OOM_FD,
        ARG_CGROUP_PATH, ARG_CGROUP_MODE,
};

static const struct option options[] = {
        { "bundle",        required_argument, NULL, ARG_BUNDLE },
        { "id",            required_argument, NULL, ARG_ID },
        { "run-dir",       required_argument, NULL, ARG_RUN_DIR },
        { "log-path",      required_argument, NULL, ARG_LOG_PATH },
        { "log-max-size",  required_argument, NULL, ARG_LOG_MAX_SIZE },
        { "log-max-files", required_argument, NULL, ARG_LOG_MAX_FILES },
        { "cgroup-root",   required_argument, NULL, ARG_CGROUP_ROOT },
        { "seccomp-cache", required_argument, NULL, ARG_SECCOMP_CACHE },
        { "stdin",         no_argument,       NULL, ARG_STDIN },
        { "sync-fd",       required_argument, NULL, ARG_SYNC_FD },
        { "attach",        required_argument, NULL, ARG_ATTACH },
        { "shim",          required_argument, NULL, ARG_SHIM },
        { "pid",           required_argument, NULL, ARG_PID },
        { "stdout-fd",     required_argument, NULL, ARG_STDOUT_FD },
        { "stderr-fd",     required_argument, NULL, ARG_STDERR_FD },
        { "stdin-fd",      required_argument, NULL, ARG_STDIN_FD },
        { "pty-fd",        required_argument, NULL, ARG_PTY_FD },
        { "oom-fd",        required_argument, NULL, ARG_OOM_FD },
        { "cgroup-path",   required_argument, NULL, ARG_CGROUP_PATH },
        { "cgroup-mode",   required_argument, NULL, ARG_CGROUP_MODE },
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

static int parse_daemon_opt(int c, struct shim_daemon_args *a, struct ctrd_error *err) {
        int64_t v;
        switch (c) {
        case ARG_BUNDLE:        a->bundle = optarg; return 0;
        case ARG_ID:            a->id = optarg; return 0;
        case ARG_RUN_DIR:       a->run_dir = optarg; return 0;
        case ARG_LOG_PATH:      a->log_path = optarg; return 0;
        case ARG_CGROUP_ROOT:   a->cgroup_root = optarg; return 0;
        case ARG_SECCOMP_CACHE: a->seccomp_cache = optarg; return 0;
        case ARG_STDIN:         a->open_stdin = true; return 0;
        case ARG_SYNC_FD:       return parse_fd(optarg, "sync-fd", &a->sync_fd, err);
        case ARG_ATTACH:        return parse_attach(optarg, a, err);
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

static int parse_handover_opt(int c, struct shim_handover *h, struct ctrd_error *err) {
        int64_t v;
        switch (c) {
        case ARG_SHIM:        h->shim = optarg; return 0;
        case ARG_CGROUP_PATH: h->cgroup_path = optarg; return 0;
        case ARG_STDOUT_FD:   return parse_fd(optarg, "stdout-fd", &h->stdio.out, err);
        case ARG_STDERR_FD:   return parse_fd(optarg, "stderr-fd", &h->stdio.err, err);
        case ARG_STDIN_FD:    return parse_fd(optarg, "stdin-fd", &h->stdio.in, err);
        case ARG_PTY_FD:      return parse_fd(optarg, "pty-fd", &h->stdio.pty, err);
        case ARG_OOM_FD:      return parse_fd(optarg, "oom-fd", &h->oom_fd, err);
        case ARG_PID:
                if (ctrd_parse_int64(optarg, 2, INT32_MAX, &v) < 0)
                        return ctrd_error_set(err, EINVAL, "--pid: '%s' is not a pid", optarg);
                h->pid = (pid_t) v;
                return 0;
        case ARG_CGROUP_MODE:
                if (strcmp(optarg, "v1") != 0 && strcmp(optarg, "v2") != 0)
                        return ctrd_error_set(err, EINVAL, "--cgroup-mode: '%s' is not v1 or v2", optarg);
                h->cgroup_v2 = optarg[1] == '2';
                return 0;
        default:
                return parse_daemon_opt(c, &h->d, err);
        }
}

/* Parses argv into h; with handover false only the daemon's options are known. */
static int parse(int argc, char *argv[], bool handover, struct shim_handover *h, struct ctrd_error *err) {
        int c, r;

        optind = 0;     /* a full re-initialisation, so tests can parse several times */
        opterr = 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0) {
                if (c == '?' || (!handover && c >= ARG_SHIM))
                        return ctrd_error_set(err, EINVAL, "unknown option or missing value: '%s'",
                                              argv[optind - 1]);
                r = parse_handover_opt(c, h, err);
                if (r < 0)
                        return r;
        }
        if (optind < argc)
                return ctrd_error_set(err, EINVAL, "unexpected argument '%s'", argv[optind]);
        if (!h->d.bundle || !h->d.id || !h->d.run_dir)
                return ctrd_error_set(err, EINVAL, "--bundle, --id and --run-dir are required");
        return 0;
}

#define HANDOVER_INIT                                                                   \
        { .d = { .sync_fd = -1, .log_max_files = 1 }, .oom_fd = -1,                     \
          .stdio = { .out = -1, .err = -1, .in = -1, .pty = -1 } }

int shim_daemon_args_parse(int argc, char *argv[], struct shim_daemon_args *ret, struct ctrd_error *err) {
        struct shim_handover h = HANDOVER_INIT;
        int r = parse(argc, argv, false, &h, err);
        if (r < 0)
                return r;
        *ret = h.d;
        return 0;
}

int shim_handover_parse(int argc, char *argv[], struct shim_handover *ret, struct ctrd_error *err) {
        struct shim_handover h = HANDOVER_INIT;
        int r = parse(argc, argv, true, &h, err);
        if (r < 0)
                return r;
        if (!h.shim || h.pid == 0)
                return ctrd_error_set(err, EINVAL, "started by hand? only `ctrd-shim daemon` runs this, "
                                      "with --shim, --pid and the container's fds");
        bool pipes = h.stdio.out >= 0 && h.stdio.err >= 0;
        if (h.stdio.pty >= 0 ? h.stdio.out >= 0 || h.stdio.err >= 0 || h.stdio.in >= 0 : !pipes)
                return ctrd_error_set(err, EINVAL, "either --pty-fd or --stdout-fd and --stderr-fd are required");
        if (h.stdio.in >= 0 && !h.d.open_stdin)
                return ctrd_error_set(err, EINVAL, "--stdin-fd needs --stdin");
        *ret = h;
        return 0;
}

/* ---- building the handover's command line (the daemon's side) ---- */

#define HANDOVER_ARGS_MAX (2 * (ARRAY_SIZE(options) + SHIM_MAX_ATTACH) + 2)

struct argv_builder {
        const char *v[HANDOVER_ARGS_MAX];
        size_t n;
        char nums[ARRAY_SIZE(options) + SHIM_MAX_ATTACH][64];
        size_t n_nums;
};

static void add(struct argv_builder *b, const char *opt, const char *value) {
        b->v[b->n++] = opt;
        if (value)
                b->v[b->n++] = value;
}

static void add_num(struct argv_builder *b, const char *opt, long long v) {
        if (v < 0)
                return;
        char *s = b->nums[b->n_nums++];
        snprintf(s, sizeof(b->nums[0]), "%lld", v);
        add(b, opt, s);
}

static void add_attach(struct argv_builder *b, int fd, const struct shim_attach_opts *o) {
        char *s = b->nums[b->n_nums++];
        snprintf(s, sizeof(b->nums[0]), "%d:%s%s%s", fd, o->in ? "stdin," : "", o->out ? "stdout," : "",
                 o->err ? "stderr," : "");
        add(b, "--attach", s);
}

static char **flatten(const struct argv_builder *b) {
        size_t size = (b->n + 1) * sizeof(char *);
        for (size_t i = 0; i < b->n; i++)
                size += strlen(b->v[i]) + 1;
        char **argv = malloc(size);
        if (!argv)
                return NULL;
        char *p = (char *) (argv + b->n + 1);
        for (size_t i = 0; i < b->n; i++) {
                argv[i] = p;
                p = stpcpy(p, b->v[i]) + 1;
        }
        argv[b->n] = NULL;
        return argv;
}

char **shim_handover_argv(const struct shim_handover *h, const char *monitor) {
        const struct shim_daemon_args *d = &h->d;
        struct argv_builder b = { .n = 0 };

        add(&b, monitor, NULL);
        add(&b, "--id", d->id);
        add(&b, "--bundle", d->bundle);
        add(&b, "--run-dir", d->run_dir);
        if (d->log_path) {
                add(&b, "--log-path", d->log_path);
                add_num(&b, "--log-max-size", (long long) d->log_max_size);
                add_num(&b, "--log-max-files", d->log_max_files);
        }
        if (d->seccomp_cache)
                add(&b, "--seccomp-cache", d->seccomp_cache);
        if (d->open_stdin)
                add(&b, "--stdin", NULL);
        add_num(&b, "--sync-fd", d->sync_fd);
        for (size_t i = 0; i < d->n_attach; i++)
                add_attach(&b, d->attach[i].fd, &d->attach[i].opts);
        add(&b, "--shim", h->shim);
        add_num(&b, "--pid", h->pid);
        add_num(&b, "--stdout-fd", h->stdio.out);
        add_num(&b, "--stderr-fd", h->stdio.err);
        add_num(&b, "--stdin-fd", h->stdio.in);
        add_num(&b, "--pty-fd", h->stdio.pty);
        add_num(&b, "--oom-fd", h->oom_fd);
        if (h->cgroup_path) {
                add(&b, "--cgroup-root", d->cgroup_root);
                add(&b, "--cgroup-path", h->cgroup_path);
                add(&b, "--cgroup-mode", h->cgroup_v2 ? "v2" : "v1");
        }
        return flatten(&b);
}
