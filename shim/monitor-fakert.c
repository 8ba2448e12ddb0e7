/*
 * A test double for the runtime (runtime/container.h), linked only into the
 * check program shim/monitor-fakert: it runs process.args from the bundle's
 * config.json as a plain child, with no isolation at all, so the daemon mode
 * and the handover to ctrd-shim-monitor can be tested on their own, without
 * root. process.env and process.cwd are honoured; process.terminal gets a
 * pty. It creates no cgroup; the child leads its own process group, which
 * destroy kills when the start fails (the monitor, with no cgroup, kills
 * nothing after the init's exit). Its exec-helper refuses every exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "daemon.h"
#include "exec-helper.h"
#include "runtime/container.h"

static char **strv_from_json(json_t *a) {
        size_t n = json_array_size(a);
        char **v = calloc(n + 1, sizeof(char *));
        for (size_t i = 0; v && i < n; i++)
                v[i] = (char *) json_string_value(json_array_get(a, i));
        return v;
}

/* The child: stdio, a clean signal state, exec; reports errno on the pipe when exec fails. */
static _noreturn_ void child(const struct rt_run_opts *opts, int pty_slave, json_t *proc, int errpipe) {
        _cleanup_free_ char **args = strv_from_json(json_object_get(proc, "args"));
        _cleanup_free_ char **env = strv_from_json(json_object_get(proc, "env"));
        const char *cwd = json_string_value(json_object_get(proc, "cwd"));
        sigset_t all;

        sigemptyset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
        for (int i = 0; i < 3; i++) {
                int fd = pty_slave >= 0 ? pty_slave : opts->stdio[i];
                if (fd >= 0 && dup2(fd, i) < 0)
                        goto fail;
        }
        /* Its own process group (or session), so destroy can kill what it leaves behind. */
        if (pty_slave >= 0 ? setsid() < 0 || ioctl(0, TIOCSCTTY, 0) < 0 : setpgid(0, 0) < 0)
                goto fail;
        if (cwd && chdir(cwd) < 0)
                goto fail;
        if (args && args[0])
                execvpe(args[0], args, env ? env : (char *[]) { NULL });
fail:
        (void) !write(errpipe, &errno, sizeof(errno));
        _exit(127);
}

static int open_pty(int *ret_master, int *ret_slave, struct ctrd_error *err) {
        _cleanup_close_ int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0)
                return ctrd_error_sys(err, errno, "opening a pty");
        int s = open(ptsname(m), O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (s < 0)
                return ctrd_error_sys(err, errno, "opening the pty slave");
        *ret_master = TAKE_FD(m);
        *ret_slave = s;
        return 0;
}

/* Waits for exec: EOF on the CLOEXEC pipe means it happened, an int means it failed. */
static int await_exec(pid_t pid, int errpipe, json_t *proc, struct ctrd_error *err) {
        int child_errno = 0;
        ssize_t n;
        while ((n = read(errpipe, &child_errno, sizeof(child_errno))) < 0 && errno == EINTR)
                ;
        if (n <= 0)
                return 0;
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
        const char *arg0 = json_string_value(json_array_get(json_object_get(proc, "args"), 0));
        return ctrd_error_sys(err, child_errno, "exec: '%s': executable file not found in $PATH",
                              arg0 ? arg0 : "");
}

int rt_container_start(const struct rt_run_opts *opts, struct rt_container **ret,
                       struct ctrd_error *err) {
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int master = -EBADF, slave = -EBADF;
        json_error_t jerr;
        int p[2];

        if (asprintf(&path, "%s/config.json", opts->bundle) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        json_t *spec = json_load_file(path, 0, &jerr);
        if (!spec)
                return ctrd_error_set(err, EINVAL, "loading '%s': %s", path, jerr.text);
        json_t *proc = json_object_get(spec, "process");
        bool terminal = json_is_true(json_object_get(proc, "terminal"));
        int r = terminal ? open_pty(&master, &slave, err) : 0;
        if (r >= 0 && pipe2(p, O_CLOEXEC) < 0)
                r = ctrd_error_sys(err, errno, "creating the exec pipe");
        pid_t pid = r < 0 ? -1 : fork();
        if (pid == 0) {
                close(p[0]);
                child(opts, slave, proc, p[1]);
        }
        if (r >= 0 && pid < 0) {
                r = ctrd_error_sys(err, errno, "forking");
                close(p[0]);
                close(p[1]);
        } else if (r >= 0) {
                close(p[1]);
                r = await_exec(pid, p[0], proc, err);
                close(p[0]);
        }
        json_decref(spec);
        struct rt_container *c = r < 0 ? NULL : calloc(1, sizeof(*c));
        if (r >= 0 && !c)
                r = ctrd_error_set(err, ENOMEM, "out of memory");
        if (r < 0)
                return r;
        *c = (struct rt_container) { .pid = pid, .pty_master = terminal ? TAKE_FD(master) : -1,
                                     .terminal = terminal };
        *ret = c;
        return 0;
}

int rt_container_destroy(struct rt_container *c, struct ctrd_error *err) {
        if (c) {
                kill(-c->pid, SIGKILL);
                safe_close(c->pty_master);
        }
        free(c);
        return 0;
}

int rt_container_exec(const struct rt_container *c, const struct rt_exec_opts *opts, pid_t *ret_pid,
                      int *ret_pty, struct ctrd_error *err) {
        return ctrd_error_set(err, EOPNOTSUPP, "the fake runtime runs no execs");
}

int main(int argc, char *argv[]) {
        if (argc >= 2 && strcmp(argv[1], "daemon") == 0)
                return shim_daemon_main(argc - 1, argv + 1);
        if (argc >= 2 && strcmp(argv[1], "exec-helper") == 0)
                return shim_exec_helper_main(argc - 1, argv + 1);
        fprintf(stderr, "usage: %s daemon --bundle DIR --id ID --run-dir DIR ...\n", argv[0]);
        return 2;
}
