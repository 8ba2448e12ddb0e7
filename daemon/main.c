/*
 * ctrd: parses the command line, opens the engine, takes or binds the API
 * socket and runs the loop until SIGTERM/SIGINT. The one place that wires
 * the engine, the store and the API together.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <uv.h>

#include "api/api.h"
#include "cleanup.h"
#include "engine.h"
#include "listen.h"
#include "log.h"
#include "net.h"
#include "sd-notify.h"
#include "string-util.h"

#define DEFAULT_SOCKET "/run/ctrd/ctrd.sock"
#define DEFAULT_DATA_ROOT "/var/lib/ctrd"
#define DEFAULT_RUN_ROOT "/run/ctrd"
/* Longer than a client's think time between keep-alive requests (docker-api.md 6.7). */
#define DEFAULT_IDLE_TIMEOUT_S 300
#define SHUTDOWN_GRACE_MS 3000

static const char *arg_socket = DEFAULT_SOCKET;
static const char *arg_data_root = DEFAULT_DATA_ROOT;
static const char *arg_run_root = DEFAULT_RUN_ROOT;
static const char *arg_group;
static const char *arg_log_file;
static const char *arg_storage_driver;     /* NULL: overlay where it works, else copy */
static const char *arg_cgroup_parent;
static const char *arg_bridge_name;
static const char *arg_default_subnet;
static const char *arg_shim_path;
static const char *arg_image_worker;
static unsigned arg_idle_timeout = DEFAULT_IDLE_TIMEOUT_S;
static char **arg_registry_mirrors;        /* NULL-terminated; live as long as the process */
static char **arg_insecure_registries;

struct daemon_state {
        uv_loop_t *loop;
        struct ctrd_engine engine;
        struct api_server *api;
        uv_signal_t sigterm, sigint, sighup;
        bool own_socket;                /* bound by us (not systemd): unlink at exit */
        bool stopping;
};

static void help(void) {
        printf("Usage: ctrd [OPTIONS]\n\n"
               "A container engine serving the Docker Engine API on a Unix socket.\n\n"
               "Options:\n"
               "  --socket PATH          API socket (default " DEFAULT_SOCKET ")\n"
               "  --data-root DIR        persistent state: database, layers, containers\n"
               "                         (default " DEFAULT_DATA_ROOT ")\n"
               "  --run-root DIR         run-time state: shim sockets, exit files\n"
               "                         (default " DEFAULT_RUN_ROOT ")\n"
               "  --group NAME           group that may use the socket (default: ctrd if it\n"
               "                         exists, else root only)\n"
               "  --storage-driver NAME  overlay or copy (default: overlay where the data root\n"
               "                         supports it, else copy)\n"
               "  --cgroup-parent PATH   cgroup below which containers' cgroups go (default /ctrd)\n"
               "  --bridge-name NAME     the default bridge network's Linux bridge (default ctrd0)\n"
               "  --default-subnet CIDR  the default bridge network's subnet (default 172.30.0.0/16)\n"
               "  --log-level LEVEL      error, warning, info (default) or debug\n"
               "  --log-file PATH        log there instead of stderr; SIGHUP reopens it\n"
               "  --idle-timeout SECS    close idle client connections (default %d; 0 never)\n"
               "  --shim-path PATH       the ctrd-shim binary (default " CTRD_LIBEXECDIR "/ctrd-shim)\n"
               "  --image-worker PATH    the ctrd-image-worker binary (default " CTRD_LIBEXECDIR "/\n"
               "                         ctrd-image-worker)\n"
               "  --registry-mirror URL  pull docker.io images through this mirror (repeatable)\n"
               "  --insecure-registry HOST[:PORT]  reach this registry over plain HTTP (repeatable;\n"
               "                         loopback registries always are)\n"
               "  -h, --help             show this help\n"
               "  -v, --version          show the version\n\n"
               "Started by systemd with a socket (ctrd.socket), it uses that socket instead.\n",
               DEFAULT_IDLE_TIMEOUT_S);
}

/* Appends s (argv's, not copied) to a NULL-terminated list. */
static int push_arg(char ***list, char *s) {
        size_t n = 0;
        while (*list && (*list)[n])
                n++;
        char **l = reallocarray(*list, n + 2, sizeof(char *));
        if (!l)
                return -ENOMEM;
        l[n] = s;
        l[n + 1] = NULL;
        *list = l;
        return 0;
}

static int parse_argv(int argc, char *argv[]) {
        enum { ARG_SOCKET = 0x100, ARG_DATA_ROOT, ARG_RUN_ROOT, ARG_GROUP, ARG_LOG_LEVEL,
               ARG_LOG_FILE, ARG_STORAGE_DRIVER, ARG_IDLE_TIMEOUT, ARG_SHIM_PATH, ARG_IMAGE_WORKER, ARG_CGROUP_PARENT,
               ARG_BRIDGE_NAME, ARG_DEFAULT_SUBNET,
               ARG_REGISTRY_MIRROR, ARG_INSECURE_REGISTRY };
        static const struct option options[] = {
                { "socket", required_argument, NULL, ARG_SOCKET },
                { "data-root", required_argument, NULL, ARG_DATA_ROOT },
                { "run-root", required_argument, NULL, ARG_RUN_ROOT },
                { "group", required_argument, NULL, ARG_GROUP },
                { "log-level", required_argument, NULL, ARG_LOG_LEVEL },
                { "log-file", required_argument, NULL, ARG_LOG_FILE },
                { "storage-driver", required_argument, NULL, ARG_STORAGE_DRIVER },
                { "idle-timeout", required_argument, NULL, ARG_IDLE_TIMEOUT },
                { "shim-path", required_argument, NULL, ARG_SHIM_PATH },
                { "image-worker", required_argument, NULL, ARG_IMAGE_WORKER },
                { "cgroup-parent", required_argument, NULL, ARG_CGROUP_PARENT },
                { "bridge-name", required_argument, NULL, ARG_BRIDGE_NAME },
                { "default-subnet", required_argument, NULL, ARG_DEFAULT_SUBNET },
                { "registry-mirror", required_argument, NULL, ARG_REGISTRY_MIRROR },
                { "insecure-registry", required_argument, NULL, ARG_INSECURE_REGISTRY },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'v' },
                {}
        };
        int c;
        int64_t v;
        while ((c = getopt_long(argc, argv, "hv", options, NULL)) >= 0) {
                switch (c) {
                case ARG_SOCKET: arg_socket = optarg; break;
                case ARG_DATA_ROOT: arg_data_root = optarg; break;
                case ARG_RUN_ROOT: arg_run_root = optarg; break;
                case ARG_GROUP: arg_group = optarg; break;
                case ARG_LOG_FILE: arg_log_file = optarg; break;
                case ARG_SHIM_PATH: arg_shim_path = optarg; break;
                case ARG_IMAGE_WORKER: arg_image_worker = optarg; break;
                case ARG_BRIDGE_NAME: arg_bridge_name = optarg; break;
                case ARG_DEFAULT_SUBNET: arg_default_subnet = optarg; break;
                case ARG_REGISTRY_MIRROR:
                        if (strncmp(optarg, "http://", 7) != 0 && strncmp(optarg, "https://", 8) != 0)
                                return log_error("invalid --registry-mirror '%s': an http:// or "
                                                 "https:// URL", optarg), -EINVAL;
                        if (push_arg(&arg_registry_mirrors, optarg) < 0)
                                return log_error("out of memory"), -ENOMEM;
                        break;
                case ARG_INSECURE_REGISTRY:
                        if (push_arg(&arg_insecure_registries, optarg) < 0)
                                return log_error("out of memory"), -ENOMEM;
                        break;
                case ARG_CGROUP_PARENT:
                        if (optarg[0] != '/' || strstr(optarg, ".."))
                                return log_error("invalid --cgroup-parent '%s': an absolute path "
                                                 "without '..'", optarg), -EINVAL;
                        arg_cgroup_parent = optarg;
                        break;
                case ARG_LOG_LEVEL: {
                        enum ctrd_log_level l = ctrd_log_level_from_string(optarg);
                        if (l == _CTRD_LOG_LEVEL_INVALID)
                                return log_error("invalid --log-level '%s': use error, warning, "
                                                 "info or debug", optarg), -EINVAL;
                        ctrd_log_set_level(l);
                        break;
                }
                case ARG_STORAGE_DRIVER:
                        if (strcmp(optarg, "overlay") != 0 && strcmp(optarg, "copy") != 0)
                                return log_error("invalid --storage-driver '%s': use overlay or copy",
                                                 optarg), -EINVAL;
                        arg_storage_driver = optarg;
                        break;
                case ARG_IDLE_TIMEOUT:
                        if (ctrd_parse_int64(optarg, 0, 86400, &v) < 0)
                                return log_error("invalid --idle-timeout '%s': seconds from 0 to 86400",
                                                 optarg), -EINVAL;
                        arg_idle_timeout = (unsigned) v;
                        break;
                case 'h': help(); return 0;
                case 'v': printf("ctrd %s\n", PACKAGE_VERSION); return 0;
                default: return -EINVAL;
                }
        }
        if (optind < argc)
                return log_error("unexpected argument '%s' (see --help)", argv[optind]), -EINVAL;
        return 1;
}

static int open_log_file(void) {
        if (!arg_log_file)
                return 0;
        int fd = open(arg_log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
        if (fd < 0)
                return log_error_errno(errno, "opening log file '%s'", arg_log_file);
        if (dup2(fd, STDERR_FILENO) < 0) {
                int r = -errno;
                close(fd);
                return log_error_errno(r, "redirecting stderr to '%s'", arg_log_file);
        }
        close(fd);
        return 0;
}

static void on_api_closed(struct api_server *server, void *userdata) {
        struct daemon_state *d = userdata;
        d->api = NULL;
        /* Let go of the containers' handles (they keep running) so the loop can end. */
        ctr_manager_free(&d->engine);
        net_manager_free(&d->engine);
        uv_close((uv_handle_t *) &d->sigterm, NULL);
        uv_close((uv_handle_t *) &d->sigint, NULL);
        uv_close((uv_handle_t *) &d->sighup, NULL);
}

static void on_stop_signal(uv_signal_t *h, int signum) {
        struct daemon_state *d = h->data;
        if (d->stopping)
                return;
        d->stopping = true;
        log_info("received %s, shutting down", strsignal(signum));
        sd_notify_send("STOPPING=1");
        api_server_shutdown(d->api, SHUTDOWN_GRACE_MS, on_api_closed, d);
}

static void on_sighup(uv_signal_t *h, int signum) {
        if (open_log_file() == 0)
                log_info("reopened the log");
}

static int open_socket(struct daemon_state *d, struct ctrd_error *err) {
        int fd = listen_from_systemd(err);
        if (fd != -ENOENT)
                return fd;
        gid_t gid;
        int r = listen_socket_group(arg_group, &gid, err);
        if (r < 0)
                return r;
        fd = listen_unix(arg_socket, gid, err);
        if (fd >= 0)
                d->own_socket = true;
        return fd;
}

static int start_signals(struct daemon_state *d) {
        uv_signal_t *hs[] = { &d->sigterm, &d->sigint, &d->sighup };
        int signums[] = { SIGTERM, SIGINT, SIGHUP };
        for (size_t i = 0; i < 3; i++) {
                uv_signal_init(d->loop, hs[i]);
                hs[i]->data = d;
                int r = uv_signal_start(hs[i], signums[i] == SIGHUP ? on_sighup : on_stop_signal,
                                        signums[i]);
                if (r < 0)
                        return log_error("handling %s: %s", strsignal(signums[i]), uv_strerror(r)), r;
        }
        return 0;
}

static int run(struct daemon_state *d) {
        struct ctrd_error err = { 0 };
        struct engine_config cfg = {
                .data_root = arg_data_root,
                .run_root = arg_run_root,
                .storage_driver = arg_storage_driver,
                .shim_path = arg_shim_path,
                .image_worker_path = arg_image_worker,
                .cgroup_parent = arg_cgroup_parent,
                .bridge_name = arg_bridge_name,
                .default_subnet = arg_default_subnet,
                .registry = { arg_registry_mirrors, arg_insecure_registries },
        };
        int r = engine_init(&d->engine, d->loop, &cfg, &err);
        if (r < 0)
                return log_error("%s", err.msg), r;

        int fd = open_socket(d, &err);
        if (fd < 0) {
                log_error("%s", err.msg);
                engine_done(&d->engine);
                return fd;
        }
        struct api_server_config acfg = { .listen_fd = fd, .idle_timeout_s = arg_idle_timeout };
        r = api_server_start(d->loop, &d->engine, &acfg, &d->api, &err);
        if (r < 0) {
                log_error("%s", err.msg);
                close(fd);
                goto out;
        }
        r = start_signals(d);
        if (r < 0)
                goto out;   /* exits without a clean API shutdown: nothing was served yet */

        log_info("ctrd %s listening on %s (data root %s, run root %s)", PACKAGE_VERSION,
                 d->own_socket ? arg_socket : "the socket systemd passed",
                 d->engine.data_root, d->engine.run_root);
        sd_notify_send("READY=1");
        uv_run(d->loop, UV_RUN_DEFAULT);
        r = 0;
out:
        engine_done(&d->engine);
        if (d->own_socket && unlink(arg_socket) < 0 && errno != ENOENT)
                log_warning_errno(errno, "removing socket '%s', ignoring", arg_socket);
        return r;
}

int main(int argc, char *argv[]) {
        ctrd_log_set_ident("ctrd");
        int r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? 1 : 0;
        if (open_log_file() < 0)
                return 1;
        /* Writes to clients that left must fail with EPIPE, not kill us. */
        signal(SIGPIPE, SIG_IGN);

        struct daemon_state d = { .loop = uv_default_loop() };
        r = run(&d);
        if (uv_loop_close(d.loop) == UV_EBUSY && r == 0)
                log_warning("event loop closed with handles still open");
        return r < 0 ? 1 : 0;
}
