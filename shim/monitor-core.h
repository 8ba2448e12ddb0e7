/*
 * The monitor of one running container, as a context struct the daemon mode
 * drives and tests can drive with any child process.
 *
 * Life cycle:
 *   running  --init reaped-->  draining  --stdout+stderr at EOF, or 1 s-->  finished
 * On "finished", in this order: the last output is logged, OOM kills are
 * counted, the container is destroyed (leftover processes, cgroup), the exit
 * file is written, "wait" requests are answered, attach streams end, the
 * control socket and pid file are removed and the loop stops. Writing the
 * exit file before telling anyone means no one can learn of an exit that a
 * restarted daemon would not find on disk.
 *
 * As the container's subreaper the shim also reaps orphans re-parented to it
 * and reports only the init's status.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "control-exec.h"
#include "control-server.h"
#include "error.h"
#include "monitor-exit.h"
#include "monitor-loop.h"
#include "stdio-pump.h"

#define SHIM_PID_FILE "shim.pid"

/* How the monitor reaches the runtime; daemon.c wires these to rt_*. */
struct shim_monitor_ops {
        /* OOM kills in the container's cgroup so far; NULL when there is no cgroup. */
        int (*oom_kills)(void *userdata, uint64_t *ret);
        /* After the init was reaped: kill what is left, remove the cgroup. */
        int (*destroy)(void *userdata, struct ctrd_error *err);
        /* Requests that need the runtime (pause, resume, stats, pids): the reply line. */
        char *(*control)(void *userdata, const struct shim_request *req);
        /* Starts an exec's process (control-exec.h); NULL refuses execs. */
        shim_exec_start_fn exec;
        void *userdata;
};

struct shim_monitor_config {
        const char *run_dir;
        int run_dir_fd;
        pid_t pid;                      /* the container's init, our child */
        int signal_fd;                  /* from shim_signal_setup() */
        int oom_fd;                     /* readable on OOM kills, or -1; not owned */
        struct shim_stdio_fds stdio;    /* owned by the monitor from now on */
        bool open_stdin;
        struct shim_logfile *log;       /* may be NULL; not owned */
        struct shim_monitor_ops ops;
};

struct shim_monitor;

/* Starts watching; on failure the caller still owns the child and must kill it. */
int shim_monitor_new(struct shim_loop *loop, const struct shim_monitor_config *cfg,
                     struct shim_monitor **ret, struct ctrd_error *err);

/* The monitor's stdio, for attaching clients before the loop runs. */
struct shim_stdio *shim_monitor_stdio(struct shim_monitor *m);

/* Runs until the container has exited and everything above is done. */
int shim_monitor_run(struct shim_monitor *m);

void shim_monitor_free(struct shim_monitor *m);
