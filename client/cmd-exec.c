/*
 * ctrctl exec and ctrctl attach: interactive sessions over hijacked
 * connections (interactive.c), as `docker exec` and `docker attach` run them.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cmd-containers.h"
#include "cmd.h"
#include "interactive.h"
#include "stream.h"

static const char exec_help[] =
        "  -d, --detach               Detached mode: run the command in the background\n"
        "      --detach-keys string  Override the key sequence for detaching\n"
        "  -e, --env list             Set environment variables\n"
        "  -i, --interactive          Keep STDIN open\n"
        "      --privileged           Give extended privileges to the command\n"
        "  -t, --tty                  Allocate a pseudo-TTY\n"
        "  -u, --user string          Username or UID (format: \"<name|uid>[:<group|gid>]\")\n"
        "  -w, --workdir string       Working directory inside the container\n";

struct exec_opts {
        bool detach, interactive, tty, privileged;
        const char *user, *workdir, *detach_keys;
        json_t *env;
};

static int parse_exec(int argc, char *argv[], struct exec_opts *o, int *ret_first) {
        enum { OPT_DETACH_KEYS = 0x100, OPT_PRIVILEGED, OPT_HELP };
        static const struct option options[] = {
                { "detach", no_argument, NULL, 'd' },
                { "detach-keys", required_argument, NULL, OPT_DETACH_KEYS },
                { "env", required_argument, NULL, 'e' },
                { "interactive", no_argument, NULL, 'i' },
                { "privileged", no_argument, NULL, OPT_PRIVILEGED },
                { "tty", no_argument, NULL, 't' },
                { "user", required_argument, NULL, 'u' },
                { "workdir", required_argument, NULL, 'w' },
                { "help", no_argument, NULL, OPT_HELP },
                {}
        };
        int opt;
        optind = 0;
        opterr = 0;
        while ((opt = getopt_long(argc, argv, "+de:itu:w:", options, NULL)) >= 0) {
                switch (opt) {
                case 'd': o->detach = true; break;
                case 'i': o->interactive = true; break;
                case 't': o->tty = true; break;
                case 'u': o->user = optarg; break;
                case 'w': o->workdir = optarg; break;
                case 'e': json_array_append_new(o->env, json_string(optarg)); break;
                case OPT_DETACH_KEYS: o->detach_keys = optarg; break;
                case OPT_PRIVILEGED: o->privileged = true; break;
                case OPT_HELP:
                        ctl_usage("ctrctl exec [OPTIONS] CONTAINER COMMAND [ARG...]",
                                  "Execute a command in a running container", exec_help);
                        return 0;
                default:
                        ctl_bad_flag("exec", optopt, argv, optind);
                        return CTL_EXIT_DOCKER;
                }
        }
        if (argc - optind < 2) {
                ctl_error("\"exec\" requires at least 2 arguments (see 'ctrctl exec --help')");
                return CTL_EXIT_DOCKER;
        }
        *ret_first = optind;
        return -1;      /* go on */
}

static json_t *exec_body(const struct exec_opts *o, char *const *cmd, int n) {
        json_t *args = json_array();
        for (int i = 0; i < n; i++)
                json_array_append_new(args, json_string(cmd[i]));
        bool attach = !o->detach;
        return json_pack("{s:s, s:b, s:b, s:b, s:b, s:b, s:b, s:s, s:O, s:s, s:o}",
                         "User", o->user ? o->user : "", "Privileged", o->privileged, "Tty", o->tty,
                         "AttachStdin", attach && o->interactive, "AttachStdout", attach,
                         "AttachStderr", attach, "Detach", o->detach,
                         "DetachKeys", o->detach_keys ? o->detach_keys : "", "Env", o->env,
                         "WorkingDir", o->workdir ? o->workdir : "", "Cmd", args);
}

/* The exec's exit code from GET /exec/ID/json (the stream has ended). */
static int exec_exit_code(struct ctl_client *c, const char *id) {
        _cleanup_free_ char *path = NULL;
        json_t *j = NULL;
        if (asprintf(&path, "/exec/%s/json", id) < 0 || ctl_call(c, "GET", path, NULL, &j) != 200)
                return CTL_EXIT_DOCKER;
        int code = (int) json_integer_value(json_object_get(j, "ExitCode"));
        json_decref(j);
        return code;
}

int ctl_cmd_exec(struct ctl_client *c, int argc, char *argv[]) {
        struct exec_opts o = { .env = json_array() };
        int first = 0;
        int r = parse_exec(argc, argv, &o, &first);
        if (r >= 0) {
                json_decref(o.env);
                return r;
        }
        json_t *body = exec_body(&o, argv + first + 1, argc - first - 1);
        json_decref(o.env);
        _cleanup_free_ char *create = ctl_container_path(c, argv[first], "/exec");
        json_t *created = NULL;
        int status = body && create ? ctl_call(c, "POST", create, body, &created) : -ENOMEM;
        json_decref(body);
        if (status != 201) {
                json_decref(created);
                return status == 404 ? 1 : CTL_EXIT_DOCKER;
        }
        _cleanup_free_ char *id = strdup(json_string_value(json_object_get(created, "Id")) ?: "");
        json_decref(created);
        _cleanup_free_ char *start = NULL, *resize = NULL, *start_body = NULL;
        if (!id || asprintf(&start, "/exec/%s/start", id) < 0 || asprintf(&resize, "/exec/%s/resize", id) < 0 ||
            asprintf(&start_body, "{\"Detach\":%s,\"Tty\":%s}", o.detach ? "true" : "false",
                     o.tty ? "true" : "false") < 0)
                return CTL_EXIT_DOCKER;
        if (o.detach) {
                json_t *b = json_loads(start_body, 0, NULL);
                status = ctl_call(c, "POST", start, b, NULL);
                json_decref(b);
                return status >= 200 && status < 300 ? 0 : CTL_EXIT_DOCKER;
        }
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *extra = NULL;
        size_t extra_len = 0;
        if (ctl_hijack_body(c, start, start_body, &fd, &extra, &extra_len) < 0)
                return CTL_EXIT_DOCKER;
        struct ctl_session_opts so = { .tty = o.tty, .stdin_open = o.interactive,
                                       .resize_path = o.tty ? resize : NULL };
        if (o.tty)
                ctl_session_resize(c, resize);
        if (ctl_session_run(c, fd, extra, extra_len, &so) < 0)
                return CTL_EXIT_DOCKER;
        return exec_exit_code(c, id);
}

int ctl_cmd_attach(struct ctl_client *c, int argc, char *argv[]) {
        bool no_stdin = false;
        const char *name = NULL;
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--help") == 0) {
                        ctl_usage("ctrctl attach [OPTIONS] CONTAINER",
                                  "Attach local standard input, output, and error streams to a running container",
                                  "      --no-stdin   Do not attach STDIN\n");
                        return 0;
                }
                if (strcmp(argv[i], "--no-stdin") == 0)
                        no_stdin = true;
                else if (argv[i][0] == '-' || name) {
                        ctl_error("attach: unexpected argument '%s' (see 'ctrctl attach --help')", argv[i]);
                        return 1;
                } else
                        name = argv[i];
        }
        if (!name) {
                ctl_error("\"attach\" requires exactly 1 argument (see 'ctrctl attach --help')");
                return 1;
        }
        _cleanup_free_ char *inspect = ctl_container_path(c, name, "/json");
        json_t *j = NULL;
        if (!inspect || ctl_call(c, "GET", inspect, NULL, &j) != 200)
                return 1;
        json_t *cfg = json_object_get(j, "Config");
        bool tty = json_is_true(json_object_get(cfg, "Tty"));
        bool in = !no_stdin && json_is_true(json_object_get(cfg, "OpenStdin"));
        bool running = json_is_true(json_object_get(json_object_get(j, "State"), "Running"));
        _cleanup_free_ char *id = strdup(json_string_value(json_object_get(j, "Id")) ?: name);
        json_decref(j);
        if (!running) {
                ctl_error("You cannot attach to a stopped container, start it first");
                return 1;
        }
        _cleanup_free_ char *path = ctl_container_path(c, id, in ? "/attach?stream=1&stdout=1&stderr=1&stdin=1"
                                                                 : "/attach?stream=1&stdout=1&stderr=1");
        _cleanup_free_ char *resize = ctl_container_path(c, id, "/resize");
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *extra = NULL;
        size_t extra_len = 0;
        if (!path || !resize || ctl_hijack(c, path, &fd, &extra, &extra_len) < 0)
                return 1;
        struct ctl_session_opts so = { .tty = tty, .stdin_open = in, .resize_path = tty ? resize : NULL };
        if (tty)
                ctl_session_resize(c, resize);
        if (ctl_session_run(c, fd, extra, extra_len, &so) < 0)
                return 1;
        /* As docker attach: the container's exit code once it has exited (0 after a detach). */
        json_t *after = NULL;
        int code = 0;
        if (ctl_call(c, "GET", inspect, NULL, &after) == 200) {
                json_t *st = json_object_get(after, "State");
                if (!json_is_true(json_object_get(st, "Running")))
                        code = (int) json_integer_value(json_object_get(st, "ExitCode"));
        }
        json_decref(after);
        return code;
}
