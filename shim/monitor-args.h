/* The command line of `ctrd-shim daemon` (docs/shim-protocol.md, "Starting the shim"). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "stdio-attach.h"

#define SHIM_MAX_ATTACH 8

struct shim_daemon_args {
        const char *bundle;
        const char *id;
        const char *run_dir;
        const char *log_path;           /* NULL: no log */
        uint64_t log_max_size;          /* 0: no rotation */
        unsigned log_max_files;
        const char *cgroup_root;        /* NULL: the runtime's default */
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
