/*
 * Starting a container's shim from the loop: uv_spawn of
 * `ctrd-shim daemon ... --sync-fd 3`, then the one JSON line the shim writes
 * on fd 3 once the container runs (its pid) or failed to (the error). The
 * shim detaches; the process uv_spawn saw exits at once.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

#include "error.h"

#define SHIM_SPAWN_MAX_ATTACH 8

struct shim_spawn_opts {
        const char *shim_path;
        const char *bundle;
        const char *id;
        const char *run_dir;
        const char *log_path;
        uint64_t log_max_size;          /* 0: no rotation */
        unsigned log_max_files;
        const char *seccomp_cache;      /* --seccomp-cache; NULL: none */
        bool open_stdin;
        /* Clients attached before the start (docker run attaches first): their
         * sockets and streams, handed to the shim as --attach FD:STREAMS. */
        size_t n_attach;
        struct shim_spawn_attach {
                int fd;
                bool in, out, err;
        } attach[SHIM_SPAWN_MAX_ATTACH];
};

/* r == 0: the container runs as pid; r < 0: err says why (the shim's own message). */
typedef void (*shim_spawn_cb)(int r, pid_t pid, const struct ctrd_error *err, void *userdata);

/* Calls cb exactly once, from the loop, unless this returns < 0. */
int shim_spawn(uv_loop_t *loop, const struct shim_spawn_opts *o, shim_spawn_cb cb, void *userdata,
               struct ctrd_error *err);
