/*
 * Two command lines: `ctrd-shim daemon` (docs/shim-protocol.md, "Starting
 * the shim") and the handover from it to ctrd-shim-monitor ("The handover"),
 * which repeats the daemon's options and adds what the start produced.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "stdio-attach.h"
#include "stdio-pump.h"

#define SHIM_MAX_ATTACH 8

struct shim_daemon_args {
        const char *bundle;
        const char *id;
        const char *run_dir;
        const char *log_path;           /* NULL: no log */
        uint64_t log_max_size;          /* 0: no rotation */
        unsigned log_max_files;
        const char *cgroup_root;        /* NULL: the runtime's default */
        const char *seccomp_cache;      /* NULL: no cache of compiled seccomp filters */
        bool open_stdin;
        int sync_fd;                    /* -1 when not given */
        size_t n_attach;
        struct {
                int fd;
                struct shim_attach_opts opts;
        } attach[SHIM_MAX_ATTACH];      /* clients attached before the start */
};

/* argv[0] is "daemon". Checks that the fds given exist; does not take them. */
int shim_daemon_args_parse(int argc, char *argv[], struct shim_daemon_args *ret, struct ctrd_error *err);

/* What `ctrd-shim daemon` hands to ctrd-shim-monitor after the container started. */
struct shim_handover {
        struct shim_daemon_args d;      /* d.cgroup_root: the root the cgroup lives under */
        const char *shim;               /* ctrd-shim, run as `exec-helper` for each exec */
        pid_t pid;                      /* the container's init, our child */
        struct shim_stdio_fds stdio;    /* our ends of its stdio, or the pty master */
        int oom_fd;                     /* -1: none */
        const char *cgroup_path;        /* NULL: the container has no cgroup */
        bool cgroup_v2;
};

/* argv[0] is the program. Everything but the log, the cgroup and the sync fd is required. */
int shim_handover_parse(int argc, char *argv[], struct shim_handover *ret, struct ctrd_error *err);

/*
 * The monitor's command line for h, argv[0] = monitor: a NULL-terminated
 * array and its strings in one allocation (free() it). NULL when out of memory.
 */
char **shim_handover_argv(const struct shim_handover *h, const char *monitor);
