/*
 * ctrd-shim: `run` starts an OCI bundle in the foreground, like `runc run`
 * (stdio inherited, our exit code is the container's); `daemon` starts the
 * container for the engine and hands it to the resident ctrd-shim-monitor
 * (shim/daemon.c), which runs `exec-helper` for each exec (shim/exec-helper.c).
 * Nothing else lives here.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "log.h"
#include "shim/daemon.h"
#include "shim/exec-helper.h"
#include "shim/runtime/cgroup.h"
#include "shim/runtime/container.h"
#include "shim/runtime/tty-relay.h"

static volatile sig_atomic_t container_pid;

static void usage(FILE *f) {
        fputs("Usage: ctrd-shim COMMAND [OPTIONS]\n"
              "\n"
              "Commands:\n"
              "  run --bundle DIR --id ID [--cgroup-root DIR]\n"
              "         run the OCI bundle in DIR in the foreground, as `runc run` does:\n"
              "         stdio inherited, exit code = the container's (128+N on signal N)\n"
              "  daemon ...\n"
              "         start a container for ctrd and hand it to ctrd-shim-monitor\n"
              "         (see docs/shim-protocol.md)\n"
              "  --help show this\n", f);
}

/* Signals we get in the foreground are the container's, as with runc. */
static void forward(int sig) {
        if (container_pid > 0)
                kill(container_pid, sig);
}

static void forward_signals(void) {
        static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
        struct sigaction sa = { .sa_handler = forward, .sa_flags = SA_RESTART };
        for (size_t i = 0; i < sizeof(sigs) / sizeof(*sigs); i++)
                sigaction(sigs[i], &sa, NULL);
}

static int wait_exit_code(pid_t pid) {
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return log_error_errno(errno, "waitpid"), 1;
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return WEXITSTATUS(status);
}

static int start_failed(int r, const struct ctrd_error *err) {
        fprintf(stderr, "ctrd-shim: %s\n", err->msg);
        return r == -ENOENT ? 127 : r == -EACCES ? 126 : 1;
}

static int cmd_run(int argc, char *argv[]) {
        static const struct option longopts[] = {
                { "bundle", required_argument, NULL, 'b' },
                { "id", required_argument, NULL, 'i' },
                { "cgroup-root", required_argument, NULL, 'c' },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        struct rt_run_opts opts = { .stdio = { -1, -1, -1 } };
        struct ctrd_error err = { 0 };
        struct rt_container *c = NULL;
        int opt;

        while ((opt = getopt_long(argc, argv, "b:i:c:h", longopts, NULL)) >= 0)
                switch (opt) {
                case 'b': opts.bundle = optarg; break;
                case 'i': opts.id = optarg; break;
                case 'c': opts.cgroup_root = optarg; break;
                case 'h': usage(stdout); return 0;
                default: usage(stderr); return 2;
                }
        if (!opts.bundle || !opts.id || optind != argc) {
                usage(stderr);
                return 2;
        }

        int r = rt_container_start(&opts, &c, &err);
        if (r < 0)
                return start_failed(r, &err);
        container_pid = c->pid;
        forward_signals();
        if (c->terminal)
                rt_tty_relay(c->pty_master);
        int code = wait_exit_code(c->pid);

        uint64_t kills = 0;
        if (c->cgroup && rt_cgroup_oom_kills(c->cgroup, &kills, NULL) >= 0 && kills > 0)
                fprintf(stderr, "ctrd-shim: the container was OOM-killed (%llu kill%s)\n",
                        (unsigned long long) kills, kills == 1 ? "" : "s");
        if (rt_container_destroy(c, &err) < 0)
                fprintf(stderr, "ctrd-shim: cleanup: %s\n", err.msg);
        return code;
}

int main(int argc, char *argv[]) {
        ctrd_log_set_ident("ctrd-shim");
        if (argc < 2) {
                usage(stderr);
                return 2;
        }
        if (strcmp(argv[1], "run") == 0)
                return cmd_run(argc - 1, argv + 1);
        if (strcmp(argv[1], "daemon") == 0)
                return shim_daemon_main(argc - 1, argv + 1);
        if (strcmp(argv[1], "exec-helper") == 0)
                return shim_exec_helper_main(argc - 1, argv + 1);
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
                usage(stdout);
                return 0;
        }
        fprintf(stderr, "ctrd-shim: unknown command '%s'\n", argv[1]);
        usage(stderr);
        return 2;
}
