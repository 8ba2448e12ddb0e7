/*
 * The container flags shared by `run` and `create`, turned into the body of
 * POST /containers/create the way the docker CLI builds it (zero values for
 * what the user left alone, so the daemon applies its defaults), and the
 * `create` verb itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cmd-containers.h"
#include "cmd.h"
#include "flags.h"

enum {
        OPT_RM = 0x100, OPT_NAME, OPT_ENV_FILE, OPT_DOMAINNAME, OPT_MOUNT, OPT_TMPFS,
        OPT_MEMORY_RESERVATION, OPT_MEMORY_SWAP, OPT_CPUS, OPT_CPU_SHARES, OPT_CPU_PERIOD,
        OPT_CPU_QUOTA, OPT_CPUSET_CPUS, OPT_PIDS_LIMIT, OPT_ULIMIT, OPT_CAP_ADD, OPT_CAP_DROP,
        OPT_PRIVILEGED, OPT_READ_ONLY, OPT_SECURITY_OPT, OPT_RESTART, OPT_NETWORK,
        OPT_ENTRYPOINT, OPT_STOP_SIGNAL, OPT_STOP_TIMEOUT, OPT_INIT, OPT_SHM_SIZE,
        OPT_OOM_SCORE_ADJ, OPT_PULL, OPT_HELP, OPT_IP, OPT_NETWORK_ALIAS, OPT_DNS, OPT_ADD_HOST,
};

static const struct option create_options[] = {
        { "detach", no_argument, NULL, 'd' },
        { "rm", no_argument, NULL, OPT_RM },
        { "name", required_argument, NULL, OPT_NAME },
        { "env", required_argument, NULL, 'e' },
        { "env-file", required_argument, NULL, OPT_ENV_FILE },
        { "workdir", required_argument, NULL, 'w' },
        { "user", required_argument, NULL, 'u' },
        { "hostname", required_argument, NULL, 'h' },
        { "domainname", required_argument, NULL, OPT_DOMAINNAME },
        { "volume", required_argument, NULL, 'v' },
        { "mount", required_argument, NULL, OPT_MOUNT },
        { "tmpfs", required_argument, NULL, OPT_TMPFS },
        { "memory", required_argument, NULL, 'm' },
        { "memory-reservation", required_argument, NULL, OPT_MEMORY_RESERVATION },
        { "memory-swap", required_argument, NULL, OPT_MEMORY_SWAP },
        { "cpus", required_argument, NULL, OPT_CPUS },
        { "cpu-shares", required_argument, NULL, 'c' },
        { "cpu-period", required_argument, NULL, OPT_CPU_PERIOD },
        { "cpu-quota", required_argument, NULL, OPT_CPU_QUOTA },
        { "cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS },
        { "pids-limit", required_argument, NULL, OPT_PIDS_LIMIT },
        { "ulimit", required_argument, NULL, OPT_ULIMIT },
        { "cap-add", required_argument, NULL, OPT_CAP_ADD },
        { "cap-drop", required_argument, NULL, OPT_CAP_DROP },
        { "privileged", no_argument, NULL, OPT_PRIVILEGED },
        { "read-only", no_argument, NULL, OPT_READ_ONLY },
        { "security-opt", required_argument, NULL, OPT_SECURITY_OPT },
        { "restart", required_argument, NULL, OPT_RESTART },
        { "label", required_argument, NULL, 'l' },
        { "network", required_argument, NULL, OPT_NETWORK },
        { "net", required_argument, NULL, OPT_NETWORK },
        { "publish", required_argument, NULL, 'p' },
        { "publish-all", no_argument, NULL, 'P' },
        { "ip", required_argument, NULL, OPT_IP },
        { "network-alias", required_argument, NULL, OPT_NETWORK_ALIAS },
        { "dns", required_argument, NULL, OPT_DNS },
        { "add-host", required_argument, NULL, OPT_ADD_HOST },
        { "entrypoint", required_argument, NULL, OPT_ENTRYPOINT },
        { "stop-signal", required_argument, NULL, OPT_STOP_SIGNAL },
        { "stop-timeout", required_argument, NULL, OPT_STOP_TIMEOUT },
        { "init", no_argument, NULL, OPT_INIT },
        { "shm-size", required_argument, NULL, OPT_SHM_SIZE },
        { "oom-score-adj", required_argument, NULL, OPT_OOM_SCORE_ADJ },
        { "interactive", no_argument, NULL, 'i' },
        { "tty", no_argument, NULL, 't' },
        { "pull", required_argument, NULL, OPT_PULL },
        { "help", no_argument, NULL, OPT_HELP },
        {}
};

static const char create_help[] =
        "      --cap-add list                 Add Linux capabilities\n"
        "      --cap-drop list                Drop Linux capabilities\n"
        "  -c, --cpu-shares int               CPU shares (relative weight)\n"
        "      --cpu-period int               Limit CPU CFS (Completely Fair Scheduler) period\n"
        "      --cpu-quota int                Limit CPU CFS (Completely Fair Scheduler) quota\n"
        "      --cpus decimal                 Number of CPUs\n"
        "      --cpuset-cpus string           CPUs in which to allow execution (0-3, 0,1)\n"
        "      --domainname string            Container NIS domain name\n"
        "      --entrypoint string            Overwrite the default ENTRYPOINT of the image\n"
        "  -e, --env list                     Set environment variables\n"
        "      --env-file list                Read in a file of environment variables\n"
        "  -h, --hostname string              Container host name\n"
        "      --init                         Run an init inside the container\n"
        "  -l, --label list                   Set meta data on a container\n"
        "  -m, --memory bytes                 Memory limit\n"
        "      --memory-reservation bytes     Memory soft limit\n"
        "      --memory-swap bytes            Swap limit equal to memory plus swap: '-1' to\n"
        "                                     enable unlimited swap\n"
        "      --mount mount                  Attach a filesystem mount to the container\n"
        "      --name string                  Assign a name to the container\n"
        "      --network network              Connect a container to a network\n"
        "      --network-alias list           Add network-scoped alias for the container\n"
        "      --ip string                    IPv4 address (e.g., 172.30.100.104)\n"
        "  -p, --publish list                 Publish a container's port(s) to the host\n"
        "  -P, --publish-all                  Publish all exposed ports to random ports\n"
        "      --dns list                     Set custom DNS servers\n"
        "      --add-host list                Add a custom host-to-IP mapping (host:ip)\n"
        "      --oom-score-adj int            Tune host's OOM preferences (-1000 to 1000)\n"
        "      --pids-limit int               Tune container pids limit (set -1 for unlimited)\n"
        "      --privileged                   Give extended privileges to this container\n"
        "      --pull string                  Pull image before running (\"always\", \"missing\",\n"
        "                                     \"never\") (default \"missing\")\n"
        "      --read-only                    Mount the container's root filesystem as read only\n"
        "      --restart string               Restart policy to apply when a container exits\n"
        "                                     (default \"no\")\n"
        "      --rm                           Automatically remove the container when it exits\n"
        "      --security-opt list            Security Options\n"
        "      --shm-size bytes               Size of /dev/shm\n"
        "      --stop-signal string           Signal to stop the container\n"
        "      --stop-timeout int             Timeout (in seconds) to stop a container\n"
        "      --tmpfs list                   Mount a tmpfs directory\n"
        "      --ulimit ulimit                Ulimit options\n"
        "  -u, --user string                  Username or UID (format: <name|uid>[:<group|gid>])\n"
        "  -v, --volume list                  Bind mount a volume\n"
        "  -w, --workdir string               Working directory inside the container\n";

static const char run_help_extra[] =
        "  -d, --detach                       Run container in background and print container ID\n";

/* The body with the CLI's zero values; flags then fill it in. */
static json_t *new_body(void) {
        return json_pack(
                "{s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b, s:b, s:n, s:n, s:s, s:{}, s:s, s:n,"
                " s:{}, s:{s:n, s:{s:s, s:{}}, s:s, s:{s:s, s:i}, s:b, s:[i, i], s:n, s:n, s:i,"
                " s:b, s:b, s:n, s:i, s:i, s:i, s:i, s:i, s:i, s:s, s:i, s:i, s:i, s:i, s:[],"
                " s:{}, s:[], s:[], s:[], s:[]},"
                " s:{s:{}}}",
                "Hostname", "", "Domainname", "", "User", "", "AttachStdin", 0,
                "AttachStdout", 1, "AttachStderr", 1, "Tty", 0, "OpenStdin", 0, "StdinOnce", 0,
                "Env", "Cmd", "Image", "", "Volumes", "WorkingDir", "", "Entrypoint", "Labels",
                "HostConfig", "Binds", "LogConfig", "Type", "", "Config", "NetworkMode", "default",
                "RestartPolicy", "Name", "no", "MaximumRetryCount", 0, "AutoRemove", 0,
                "ConsoleSize", 0, 0, "CapAdd", "CapDrop", "OomScoreAdj", 0, "Privileged", 0,
                "ReadonlyRootfs", 0, "SecurityOpt", "ShmSize", 0, "CpuShares", 0, "Memory", 0,
                "NanoCpus", 0, "CpuPeriod", 0, "CpuQuota", 0, "CpusetCpus", "",
                "MemoryReservation", 0, "MemorySwap", 0, "MemorySwappiness", -1, "PidsLimit", 0,
                "Ulimits", "PortBindings", "Devices", "Dns", "DnsOptions", "DnsSearch",
                "NetworkingConfig", "EndpointsConfig");
}

/* obj[key] as an array or object, created (replacing a null) on first use. */
static json_t *member(json_t *obj, const char *key, bool array) {
        json_t *v = json_object_get(obj, key);
        if (!v || json_is_null(v)) {
                v = array ? json_array() : json_object();
                json_object_set_new(obj, key, v);
        }
        return v;
}

static int set_int(json_t *obj, const char *key, int64_t v) {
        return json_object_set_new(obj, key, json_integer(v));
}

/* A numeric flag: parsed with the given parser-like rule into obj[key]. */
static int int_flag(json_t *obj, const char *key, const char *flag, const char *arg, int64_t min,
                    int64_t max, struct ctrd_error *err) {
        int64_t v;
        int r = ctl_parse_int_flag(flag, arg, min, max, &v, err);
        return r < 0 ? r : set_int(obj, key, v);
}

static int size_flag(json_t *obj, const char *key, const char *arg, bool swap,
                     struct ctrd_error *err) {
        int64_t v;
        int r = swap ? ctl_parse_swap(arg, &v, err) : ctl_parse_ram(arg, &v, err);
        return r < 0 ? r : set_int(obj, key, v);
}

static int add_capability(json_t *list, const char *arg) {
        _cleanup_free_ char *cap = ctl_normalize_capability(arg);
        return cap ? json_array_append_new(list, json_string(cap)) : -ENOMEM;
}

/* Applies one flag. A long switch, but each case is one line of docker's flag table. */
static int apply_option(struct ctl_create_opts *o, int opt, const char *arg, struct ctrd_error *err) {
        json_t *b = o->body, *h = json_object_get(b, "HostConfig");
        json_t *policy = NULL;
        int r;
        switch (opt) {
        case 'd': o->detach = true; return 0;
        case OPT_RM: o->auto_remove = true; return json_object_set_new(h, "AutoRemove", json_true());
        case OPT_NAME: o->name = arg; return 0;
        case 'e': return ctl_add_env(member(b, "Env", true), arg, err);
        case OPT_ENV_FILE: return ctl_add_env_file(member(b, "Env", true), arg, err);
        case 'w': return json_object_set_new(b, "WorkingDir", json_string(arg));
        case 'u': return json_object_set_new(b, "User", json_string(arg));
        case 'h': return json_object_set_new(b, "Hostname", json_string(arg));
        case OPT_DOMAINNAME: return json_object_set_new(b, "Domainname", json_string(arg));
        case 'v': return ctl_add_volume(member(h, "Binds", true), member(b, "Volumes", false), arg, err);
        case OPT_MOUNT: return ctl_add_mount(member(h, "Mounts", true), arg, err);
        case OPT_TMPFS: return ctl_add_tmpfs(member(h, "Tmpfs", false), arg, err);
        case 'm': return size_flag(h, "Memory", arg, false, err);
        case OPT_MEMORY_RESERVATION: return size_flag(h, "MemoryReservation", arg, false, err);
        case OPT_MEMORY_SWAP: return size_flag(h, "MemorySwap", arg, true, err);
        case OPT_SHM_SIZE: return size_flag(h, "ShmSize", arg, false, err);
        case OPT_CPUS: {
                int64_t nano;
                r = ctl_parse_cpus(arg, &nano, err);
                return r < 0 ? r : set_int(h, "NanoCpus", nano);
        }
        case 'c': return int_flag(h, "CpuShares", "--cpu-shares", arg, INT64_MIN, INT64_MAX, err);
        case OPT_CPU_PERIOD: return int_flag(h, "CpuPeriod", "--cpu-period", arg, INT64_MIN, INT64_MAX, err);
        case OPT_CPU_QUOTA: return int_flag(h, "CpuQuota", "--cpu-quota", arg, INT64_MIN, INT64_MAX, err);
        case OPT_CPUSET_CPUS: return json_object_set_new(h, "CpusetCpus", json_string(arg));
        case OPT_PIDS_LIMIT: return int_flag(h, "PidsLimit", "--pids-limit", arg, INT64_MIN, INT64_MAX, err);
        case OPT_ULIMIT: return ctl_add_ulimit(member(h, "Ulimits", true), arg, err);
        case OPT_CAP_ADD: return add_capability(member(h, "CapAdd", true), arg);
        case OPT_CAP_DROP: return add_capability(member(h, "CapDrop", true), arg);
        case OPT_PRIVILEGED: return json_object_set_new(h, "Privileged", json_true());
        case OPT_READ_ONLY: return json_object_set_new(h, "ReadonlyRootfs", json_true());
        case OPT_SECURITY_OPT: return ctl_add_security_opt(member(h, "SecurityOpt", true), arg, err);
        case OPT_RESTART:
                r = ctl_parse_restart(arg, &policy, err);
                return r < 0 ? r : json_object_set_new(h, "RestartPolicy", policy);
        case 'l': return ctl_add_label(member(b, "Labels", false), arg, err);
        case OPT_NETWORK: return json_object_set_new(h, "NetworkMode", json_string(arg));
        case 'p': return ctl_add_publish(b, arg, err);
        case 'P': return json_object_set_new(h, "PublishAllPorts", json_true());
        case OPT_IP: return ctl_add_endpoint_setting(b, false, arg);
        case OPT_NETWORK_ALIAS: return ctl_add_endpoint_setting(b, true, arg);
        case OPT_DNS: return json_array_append_new(member(h, "Dns", true), json_string(arg));
        case OPT_ADD_HOST: return json_array_append_new(member(h, "ExtraHosts", true), json_string(arg));
        case OPT_ENTRYPOINT:
                return json_object_set_new(b, "Entrypoint", json_pack("[s]", arg));
        case OPT_STOP_SIGNAL: return json_object_set_new(b, "StopSignal", json_string(arg));
        case OPT_STOP_TIMEOUT: return int_flag(b, "StopTimeout", "--stop-timeout", arg, INT32_MIN, INT32_MAX, err);
        case OPT_INIT: return json_object_set_new(h, "Init", json_true());
        case OPT_OOM_SCORE_ADJ: return int_flag(h, "OomScoreAdj", "--oom-score-adj", arg, INT32_MIN, INT32_MAX, err);
        case OPT_PULL:
                if (strcmp(arg, "missing") != 0 && strcmp(arg, "always") != 0 && strcmp(arg, "never") != 0)
                        return ctrd_error_set(err, EINVAL, "invalid pull option: '%s': must be one "
                                              "of \"always\", \"missing\" or \"never\"", arg);
                o->pull = arg;
                return 0;
        }
        return ctrd_error_set(err, EINVAL, "unhandled flag");
}

/* Cross-flag rules the docker CLI checks before talking to the daemon. */
static int check_combinations(struct ctl_create_opts *o, struct ctrd_error *err) {
        json_t *h = json_object_get(o->body, "HostConfig");
        const char *policy = json_string_value(json_object_get(json_object_get(h, "RestartPolicy"), "Name"));
        if (o->auto_remove && policy && strcmp(policy, "no") != 0)
                return ctrd_error_set(err, EINVAL, "Conflicting options: --restart and --rm");
        if (o->detach) {
                /* a detached run attaches nothing */
                json_object_set_new(o->body, "AttachStdout", json_false());
                json_object_set_new(o->body, "AttachStderr", json_false());
        }
        const char *net = json_string_value(json_object_get(h, "NetworkMode"));
        if (net && strcmp(net, "default") != 0)
                json_object_set_new(json_object_get(o->body, "NetworkingConfig"), "EndpointsConfig",
                                    json_object());
        ctl_endpoint_finish(o->body);
        return 0;
}

static const char *flag_name(int opt) {
        for (const struct option *o = create_options; o->name; o++)
                if (o->val == opt)
                        return o->name;
        return "?";
}

static void create_usage(const char *verb) {
        char usage[96];
        snprintf(usage, sizeof(usage), "ctrctl %s [OPTIONS] IMAGE [COMMAND] [ARG...]", verb);
        _cleanup_free_ char *opts = NULL;
        bool run = strcmp(verb, "run") == 0;
        if (asprintf(&opts, "%s%s", run ? run_help_extra : "", create_help) < 0)
                return;
        ctl_usage(usage, run ? "Create and run a new container from an image"
                             : "Create a new container", opts);
}

int ctl_create_parse(const char *verb, int argc, char *argv[], struct ctl_create_opts *o) {
        bool run = strcmp(verb, "run") == 0;
        *o = (struct ctl_create_opts) { .body = new_body(), .pull = "missing" };
        if (!o->body)
                return CTL_EXIT_DOCKER;
        struct ctrd_error err = { 0 };
        int opt;
        optind = 0;
        opterr = 0;
        /* "+": flags stop at the image; everything after it is the command. */
        while ((opt = getopt_long(argc, argv, run ? "+de:w:u:h:v:m:c:l:itp:P" : "+e:w:u:h:v:m:c:l:itp:P",
                                  create_options, NULL)) >= 0) {
                if (opt == OPT_HELP) {
                        create_usage(verb);
                        o->help = true;
                        return 0;
                }
                if (opt == 'i' || opt == 't') {
                        /* As the docker CLI fills them: -i opens stdin for one attach, -t a terminal. */
                        if (opt == 'i') {
                                o->interactive = true;
                                json_object_set_new(o->body, "OpenStdin", json_true());
                                json_object_set_new(o->body, "StdinOnce", json_true());
                                json_object_set_new(o->body, "AttachStdin", json_true());
                        } else {
                                o->tty = true;
                                json_object_set_new(o->body, "Tty", json_true());
                        }
                        continue;
                }
                if (opt == '?' || opt == ':' || (!run && opt == 'd')) {
                        ctl_bad_flag(verb, optopt, argv, optind);
                        return CTL_EXIT_DOCKER;
                }
                if (apply_option(o, opt, optarg, &err) < 0) {
                        ctl_error("invalid argument \"%s\" for \"--%s\" flag: %s", optarg,
                                  flag_name(opt), err.msg);
                        return CTL_EXIT_DOCKER;
                }
        }
        if (optind >= argc) {
                ctl_error("\"%s\" requires at least 1 argument (see 'ctrctl %s --help')", verb, verb);
                return CTL_EXIT_DOCKER;
        }
        json_object_set_new(o->body, "Image", json_string(argv[optind]));
        if (optind + 1 < argc) {
                json_t *cmd = member(o->body, "Cmd", true);
                for (int i = optind + 1; i < argc; i++)
                        json_array_append_new(cmd, json_string(argv[i]));
        }
        if (check_combinations(o, &err) < 0) {
                ctl_error("%s", err.msg);
                return CTL_EXIT_DOCKER;
        }
        return 0;
}

/* `ctrctl pull IMAGE` with its progress on stderr, where docker run shows it: stdout is the container's. */
static int pull_image(struct ctl_client *c, const char *image) {
        char *argv[] = { (char *) "pull", (char *) image, NULL };
        fflush(stdout);
        _cleanup_close_ int saved = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
        if (saved < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
                ctl_error("cannot redirect the pull's progress: %m");
                return CTL_EXIT_DOCKER;
        }
        int r = ctl_cmd_pull(c, 2, argv);
        fflush(stdout);
        dup2(saved, STDOUT_FILENO);
        return r == 0 ? 0 : CTL_EXIT_DOCKER;
}

/* "bb" is shown as "bb:latest", as docker names what it could not find. */
static void print_unable_to_find(const char *image) {
        const char *slash = strrchr(image, '/');
        bool tagged = strchr(image, '@') || strchr(slash ? slash : image, ':');
        fprintf(stderr, "Unable to find image '%s%s' locally\n", image, tagged ? "" : ":latest");
}

/*
 * POST /containers/create: 0 with *ret_id, 1 for a missing image when
 * quiet_missing (nothing printed), else -EIO after printing the daemon's error.
 */
static int post_create(struct ctl_client *c, const char *path, json_t *body, bool quiet_missing,
                       char **ret_id) {
        struct ctl_response resp;
        if (ctl_request(c, "POST", path, body, &resp) < 0)
                return -EIO;
        json_t *j = NULL;
        int r = 0;
        if (resp.status == 404 && quiet_missing && strstr(resp.body, "No such image")) {
                r = 1;
        } else if (ctl_response_json(&resp, &j) < 0) {
                r = -EIO;
        } else {
                size_t i;
                json_t *w;
                json_array_foreach(json_object_get(j, "Warnings"), i, w)
                        fprintf(stderr, "WARNING: %s\n", json_string_value(w) ? json_string_value(w) : "");
                const char *id = json_string_value(json_object_get(j, "Id"));
                *ret_id = id ? strdup(id) : NULL;
                if (!*ret_id)
                        ctl_error("the daemon's answer to create carries no Id");
                r = *ret_id ? 0 : -EIO;
        }
        json_decref(j);
        ctl_response_done(&resp);
        return r;
}

int ctl_create_container(struct ctl_client *c, struct ctl_create_opts *o, char **ret_id) {
        const char *image = json_string_value(json_object_get(o->body, "Image"));
        _cleanup_free_ char *path = strdup("/containers/create");
        if (!path || (o->name && ctl_path_add_query(c, &path, "name", o->name) < 0))
                return CTL_EXIT_DOCKER;
        if (strcmp(o->pull, "always") == 0 && pull_image(c, image) != 0)
                return CTL_EXIT_DOCKER;
        bool may_pull = strcmp(o->pull, "missing") == 0;
        int r = post_create(c, path, o->body, may_pull, ret_id);
        if (r == 1) {
                print_unable_to_find(image);
                if (pull_image(c, image) != 0)
                        return CTL_EXIT_DOCKER;
                r = post_create(c, path, o->body, false, ret_id);
        }
        return r == 0 ? 0 : CTL_EXIT_DOCKER;
}

int ctl_cmd_create(struct ctl_client *c, int argc, char *argv[]) {
        struct ctl_create_opts o;
        int r = ctl_create_parse("create", argc, argv, &o);
        _cleanup_free_ char *id = NULL;
        if (r == 0 && !o.help)
                r = ctl_create_container(c, &o, &id);
        if (r == 0 && id)
                printf("%s\n", id);
        json_decref(o.body);
        return r;
}
