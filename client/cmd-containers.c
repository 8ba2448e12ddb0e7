/*
 * The lifecycle verbs that act on a list of containers: stop, kill, restart,
 * rm, pause, unpause, wait; and rename, top, container prune. Like the docker
 * CLI they go through every name, print each one that worked (or the wait
 * status), report each failure on stderr and exit 1 if any failed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cmd-containers.h"
#include "cmd.h"
#include "flags.h"
#include "format.h"

/* Sends method to /containers/NAME<suffix> for every name; suffix may carry a query. */
static int for_each(struct ctl_client *c, const char *method, char *names[], int n,
                    const char *suffix) {
        int rc = 0;
        for (int i = 0; i < n; i++) {
                _cleanup_free_ char *path = ctl_container_path(c, names[i], suffix);
                int status = path ? ctl_call(c, method, path, NULL, NULL) : -ENOMEM;
                if (status == -ENOMEM)
                        ctl_error("out of memory");
                if (status >= 200 && status < 400)
                        printf("%s\n", names[i]);
                else
                        rc = 1;
        }
        return rc;
}

struct verb {
        const char *name, *usage, *summary, *options, *shorts;
        const struct option *longs;
};

/*
 * Parses a verb's flags through on_flag; returns -1 to go on with the
 * containers at argv[*first..], or the exit code (help, bad flag, no name).
 */
static int parse_verb(const struct verb *v, int argc, char *argv[], int min_args,
                      int (*on_flag)(int opt, const char *arg, void *userdata), void *userdata,
                      int *first) {
        static const struct option help_only[] = { { "help", no_argument, NULL, 'H' }, {} };
        int opt;
        optind = 0;
        opterr = 0;
        while ((opt = getopt_long(argc, argv, v->shorts ? v->shorts : "",
                                  v->longs ? v->longs : help_only, NULL)) >= 0) {
                if (opt == 'H') {
                        ctl_usage(v->usage, v->summary, v->options);
                        return 0;
                }
                if (opt == '?' || opt == ':') {
                        ctl_bad_flag(v->name, optopt, argv, optind);
                        return 1;
                }
                if (on_flag(opt, optarg, userdata) < 0)
                        return 1;
        }
        if (argc - optind < min_args) {
                ctl_error("\"%s\" requires at least %d argument%s (see 'ctrctl %s --help')", v->name,
                          min_args, min_args == 1 ? "" : "s", v->name);
                return 1;
        }
        *first = optind;
        return -1;
}

struct stop_args {
        const char *verb;
        char *query;                    /* "?t=1&signal=USR1" as built */
        struct ctl_client *c;
};

/* -t/--time and -s/--signal for stop, restart and kill. */
static int on_stop_flag(int opt, const char *arg, void *userdata) {
        struct stop_args *a = userdata;
        struct ctrd_error err = { 0 };
        int64_t t;
        if (opt == 't' && ctl_parse_int_flag("--time", arg, INT32_MIN, INT32_MAX, &t, &err) < 0) {
                ctl_error("%s: %s", a->verb, err.msg);
                return -EINVAL;
        }
        const char *key = opt == 't' ? "t" : "signal";
        if (ctl_path_add_query(a->c, &a->query, key, arg) < 0) {
                ctl_error("out of memory");
                return -ENOMEM;
        }
        return 0;
}

static int signal_verb(const struct verb *v, const char *action, struct ctl_client *c, int argc,
                       char *argv[]) {
        struct stop_args a = { .verb = v->name, .query = strdup(action), .c = c };
        int first = 0;
        if (!a.query)
                return 1;
        int r = parse_verb(v, argc, argv, 1, on_stop_flag, &a, &first);
        if (r < 0)
                r = for_each(c, "POST", argv + first, argc - first, a.query);
        free(a.query);
        return r;
}

static const struct option stop_longs[] = {
        { "time", required_argument, NULL, 't' },
        { "signal", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'H' },
        {}
};

static const char stop_options[] =
        "  -s, --signal string   Signal to send to the container\n"
        "  -t, --time int        Seconds to wait before killing the container\n";

int ctl_cmd_stop(struct ctl_client *c, int argc, char *argv[]) {
        static const struct verb v = { "stop", "ctrctl stop [OPTIONS] CONTAINER [CONTAINER...]",
                                       "Stop one or more running containers", stop_options, "t:s:",
                                       stop_longs };
        return signal_verb(&v, "/stop", c, argc, argv);
}

int ctl_cmd_restart(struct ctl_client *c, int argc, char *argv[]) {
        static const struct verb v = { "restart", "ctrctl restart [OPTIONS] CONTAINER [CONTAINER...]",
                                       "Restart one or more containers", stop_options, "t:s:",
                                       stop_longs };
        return signal_verb(&v, "/restart", c, argc, argv);
}

int ctl_cmd_kill(struct ctl_client *c, int argc, char *argv[]) {
        static const struct option longs[] = {
                { "signal", required_argument, NULL, 's' },
                { "help", no_argument, NULL, 'H' },
                {}
        };
        static const struct verb v = { "kill", "ctrctl kill [OPTIONS] CONTAINER [CONTAINER...]",
                                       "Kill one or more running containers",
                                       "  -s, --signal string   Signal to send to the container\n",
                                       "s:", longs };
        return signal_verb(&v, "/kill", c, argc, argv);
}

struct rm_args {
        bool force, volumes;
};

static int on_rm_flag(int opt, const char *arg, void *userdata) {
        struct rm_args *a = userdata;
        if (opt == 'f')
                a->force = true;
        else
                a->volumes = true;
        return 0;
}

int ctl_cmd_rm(struct ctl_client *c, int argc, char *argv[]) {
        static const struct option longs[] = {
                { "force", no_argument, NULL, 'f' },
                { "volumes", no_argument, NULL, 'v' },
                { "help", no_argument, NULL, 'H' },
                {}
        };
        static const struct verb v = { "rm", "ctrctl rm [OPTIONS] CONTAINER [CONTAINER...]",
                                       "Remove one or more containers",
                                       "  -f, --force     Force the removal of a running container "
                                       "(uses SIGKILL)\n"
                                       "  -v, --volumes   Remove anonymous volumes associated with "
                                       "the container\n", "fv", longs };
        struct rm_args a = { 0 };
        int first = 0;
        int r = parse_verb(&v, argc, argv, 1, on_rm_flag, &a, &first);
        if (r >= 0)
                return r;
        const char *query = a.force && a.volumes ? "?force=1&v=1" : a.force ? "?force=1"
                            : a.volumes ? "?v=1" : "";
        return for_each(c, "DELETE", argv + first, argc - first, query);
}

static int no_flags(int opt, const char *arg, void *userdata) {
        return 0;
}

static int plain_verb(struct ctl_client *c, int argc, char *argv[], const char *name,
                      const char *summary, const char *suffix) {
        char usage[96];
        snprintf(usage, sizeof(usage), "ctrctl %s CONTAINER [CONTAINER...]", name);
        const struct verb v = { name, usage, summary, "", NULL, NULL };
        int first = 0;
        int r = parse_verb(&v, argc, argv, 1, no_flags, NULL, &first);
        return r >= 0 ? r : for_each(c, "POST", argv + first, argc - first, suffix);
}

int ctl_cmd_pause(struct ctl_client *c, int argc, char *argv[]) {
        return plain_verb(c, argc, argv, "pause", "Pause all processes within one or more containers",
                          "/pause");
}

int ctl_cmd_unpause(struct ctl_client *c, int argc, char *argv[]) {
        return plain_verb(c, argc, argv, "unpause",
                          "Unpause all processes within one or more containers", "/unpause");
}

int ctl_cmd_wait(struct ctl_client *c, int argc, char *argv[]) {
        static const struct verb v = { "wait", "ctrctl wait CONTAINER [CONTAINER...]",
                                       "Block until one or more containers stop, then print their "
                                       "exit codes", "", NULL, NULL };
        int first = 0, rc = 0;
        int r = parse_verb(&v, argc, argv, 1, no_flags, NULL, &first);
        if (r >= 0)
                return r;
        for (int i = first; i < argc; i++) {
                _cleanup_free_ char *path = ctl_container_path(c, argv[i], "/wait");
                json_t *resp = NULL;
                int status = path ? ctl_call(c, "POST", path, NULL, &resp) : -ENOMEM;
                const char *msg = json_string_value(json_object_get(json_object_get(resp, "Error"),
                                                                    "Message"));
                if (status >= 200 && status < 300 && !(msg && *msg))
                        printf("%lld\n", (long long) json_integer_value(json_object_get(resp, "StatusCode")));
                else
                        rc = 1;
                if (msg && *msg)
                        fprintf(stderr, "Error response from daemon: %s\n", msg);
                json_decref(resp);
        }
        return rc;
}

int ctl_cmd_rename(struct ctl_client *c, int argc, char *argv[]) {
        static const struct verb v = { "rename", "ctrctl rename CONTAINER NEW_NAME",
                                       "Rename a container", "", NULL, NULL };
        int first = 0;
        int r = parse_verb(&v, argc, argv, 2, no_flags, NULL, &first);
        if (r >= 0)
                return r;
        if (argc - first != 2) {
                ctl_error("\"rename\" requires exactly 2 arguments (see 'ctrctl rename --help')");
                return 1;
        }
        _cleanup_free_ char *path = ctl_container_path(c, argv[first], "/rename");
        if (!path || ctl_path_add_query(c, &path, "name", argv[first + 1]) < 0)
                return 1;
        int status = ctl_call(c, "POST", path, NULL, NULL);
        return status >= 200 && status < 300 ? 0 : 1;
}

struct prune_args {
        bool force;
        json_t *filters;
};

static int on_prune_flag(int opt, const char *arg, void *userdata) {
        struct prune_args *a = userdata;
        struct ctrd_error err = { 0 };
        if (opt == 'f') {
                a->force = true;
        } else if (ctl_add_filter(a->filters, arg, &err) < 0) {
                ctl_error("container prune: %s", err.msg);
                return -EINVAL;
        }
        return 0;
}

/* docker's confirmation prompt; anything but y/Y (or EOF) declines. */
static bool confirm(void) {
        fputs("WARNING! This will remove all stopped containers.\n"
              "Are you sure you want to continue? [y/N] ", stdout);
        fflush(stdout);
        char answer[16];
        if (!fgets(answer, sizeof(answer), stdin))
                return false;
        return (answer[0] == 'y' || answer[0] == 'Y') && (answer[1] == '\n' || answer[1] == '\0');
}

static void print_pruned(json_t *resp) {
        json_t *ids = json_object_get(resp, "ContainersDeleted");
        size_t i;
        json_t *id;
        if (json_array_size(ids) > 0) {
                printf("Deleted Containers:\n");
                json_array_foreach(ids, i, id)
                        printf("%s\n", json_string_value(id) ? json_string_value(id) : "");
                printf("\n");
        }
        char size[32];
        ctl_human_size((double) json_integer_value(json_object_get(resp, "SpaceReclaimed")), 4,
                       size, sizeof(size));
        printf("Total reclaimed space: %s\n", size);
}

static int prune(struct ctl_client *c, struct prune_args *a, int extra_args) {
        if (extra_args > 0) {
                ctl_error("\"container prune\" accepts no arguments (see 'ctrctl container prune --help')");
                return 1;
        }
        if (!a->force && !confirm())
                return 1;
        _cleanup_free_ char *path = strdup("/containers/prune");
        _cleanup_free_ char *filters = json_dumps(a->filters, JSON_COMPACT);
        if (!path || !filters ||
            (json_object_size(a->filters) > 0 && ctl_path_add_query(c, &path, "filters", filters) < 0)) {
                ctl_error("out of memory");
                return 1;
        }
        json_t *resp = NULL;
        int status = ctl_call(c, "POST", path, NULL, &resp);
        if (status < 200 || status >= 300)
                return 1;
        print_pruned(resp);
        json_decref(resp);
        return 0;
}

int ctl_cmd_container_prune(struct ctl_client *c, int argc, char *argv[]) {
        static const struct option longs[] = {
                { "force", no_argument, NULL, 'f' },
                { "filter", required_argument, NULL, 'F' },
                { "help", no_argument, NULL, 'H' },
                {}
        };
        static const struct verb v = { "container prune", "ctrctl container prune [OPTIONS]",
                                       "Remove all stopped containers",
                                       "      --filter filter   Provide filter values (e.g. "
                                       "\"until=<timestamp>\")\n"
                                       "  -f, --force           Do not prompt for confirmation\n",
                                       "f", longs };
        struct prune_args a = { .filters = json_object() };
        int first = 0;
        int r = parse_verb(&v, argc, argv, 0, on_prune_flag, &a, &first);
        if (r < 0)
                r = prune(c, &a, argc - first);
        json_decref(a.filters);
        return r;
}
