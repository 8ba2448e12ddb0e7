/*
 * The exec requests of the control socket (docs/shim-protocol.md) and their
 * replies: "exec" (what to run), "exec-state" and "exec-wait" (by id), and
 * the optional "exec" field of "resize". Parsed as strictly as the rest of
 * control-proto.c: a field of the wrong type is an error naming it.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "control-proto.h"
#include "stdio-detach.h"
#include "error.h"

struct shim_exec_request {
        char **args;                    /* NULL-terminated, at least one */
        char **env;                     /* "K=V" over the container's env; NULL when absent */
        char *cwd;                      /* NULL: the container's */
        bool has_user;
        uid_t uid;
        gid_t gid;
        gid_t *additional_gids;
        size_t n_additional_gids;
        bool tty;
        bool in;                        /* the client's bytes feed the process's stdin */
        bool privileged;
        struct shim_detach detach;      /* with tty and stdin: the keys that detach the client */
};

/* Fills req->exec_id (and req->exec for "exec") from o; on failure req is unchanged. */
int shim_exec_request_parse(json_t *o, struct shim_request *req, struct ctrd_error *err);

void shim_exec_request_free(struct shim_exec_request *x);

/* "detach_keys" of o (Docker's syntax; absent: the default) into ret. */
int shim_exec_detach_keys(json_t *o, struct shim_detach *ret, struct ctrd_error *err);

/* Replies (malloc'ed lines ending in "\n", NULL when out of memory). */
char *shim_exec_reply_started(pid_t pid);
/* exit_code < 0: still running. */
char *shim_exec_reply_state(const char *id, pid_t pid, int exit_code);
/* The answer to "exec-wait": {"ok":true,"event":"exec-exit","id":...,"exit_code":N}. */
char *shim_exec_reply_exit(const char *id, int exit_code);
