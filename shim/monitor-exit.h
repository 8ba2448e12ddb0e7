/*
 * The container's status as the shim knows it, and the exit file: the one
 * record that outlives the shim. It is written atomically (temp + rename)
 * before anyone is told about the exit, so a daemon that was down at the
 * time still finds the true code and time when it comes back.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "timefmt.h"

#define SHIM_EXIT_FILE "exit"

/* "2026-11-29T00:18:11.473318136Z" plus NUL fits with room to spare. */
#define SHIM_TIME_MAX 40

struct shim_status {
        pid_t pid;                      /* the container's init */
        bool exited;
        int exit_code;                  /* the exit status, or 128+N when killed by signal N */
        int signal;                     /* N, or 0 when it exited by itself */
        bool oom_killed;
        char started_at[SHIM_TIME_MAX];
        char finished_at[SHIM_TIME_MAX];        /* "" while running */
};

/* Records a waitpid() status and stamps finished_at with the current time. */
void shim_status_set_exited(struct shim_status *st, int wait_status);

/* {"exit_code":N,"signal":S,"finished_at":"...","oom_killed":B}; NULL when out of memory. */
char *shim_exit_render(const struct shim_status *st);

/* Writes RUN_DIR/exit through a temp file and rename. */
int shim_exit_file_write(const char *run_dir, const struct shim_status *st, struct ctrd_error *err);
