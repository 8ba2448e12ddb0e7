/*
 * Exec instances: processes started in a running container by its shim
 * (POST /containers/{id}/exec, /exec/{id}/start|json|resize). The daemon
 * keeps the record; the shim runs, streams and reaps the process, and keeps
 * its exit code, which the daemon asks for when the record says running.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

struct ctr;
struct ctrd_engine;

struct ctr_exec {
        char id[65];
        char container_id[65];
        json_t *config;                 /* the create body, as given (Cmd, Env, User, ...) */
        bool tty, attach_stdin, attach_stdout, attach_stderr, privileged;
        bool started, running;
        int exit_code;
        pid_t pid;
        unsigned rows, cols;            /* a resize that came before the start */
        struct ctr_exec *next;
};

/* 409 when the container is not running or paused; 400 for a missing Cmd. */
int ctr_exec_create(struct ctr *c, json_t *body, struct ctr_exec **ret, struct ctrd_error *err);

/* -ENOENT "No such exec instance: ID". */
int ctr_exec_lookup(struct ctrd_engine *e, const char *id, struct ctr_exec **ret,
                    struct ctrd_error *err);

/* Starts the process with its stdio on client_fd (taken; -1: detached). */
int ctr_exec_start(struct ctrd_engine *e, struct ctr_exec *x, int client_fd, struct ctrd_error *err);

/* Brings running/exit_code up to date from the shim. */
void ctr_exec_refresh(struct ctrd_engine *e, struct ctr_exec *x);

int ctr_exec_resize(struct ctrd_engine *e, struct ctr_exec *x, unsigned rows, unsigned cols,
                    struct ctrd_error *err);

/* Drops the execs of a removed container; all of them when id is NULL. */
void ctr_exec_forget(struct ctrd_engine *e, const char *container_id);
