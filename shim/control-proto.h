/*
 * Requests and replies on the control socket (docs/shim-protocol.md): each
 * message is one JSON object on one line, one message per SOCK_SEQPACKET
 * packet. Parsing is strict: an unknown op or field, or a field of the wrong
 * type, is an error that names it.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "monitor-exit.h"
#include "stdio-detach.h"

/* Largest request the shim reads; anything longer is refused. An exec's args and env need room. */
#define SHIM_REQUEST_MAX 65536

/* Longest exec id plus its NUL (dockerd's are 64 hex digits). */
#define SHIM_EXEC_ID_MAX 129

struct shim_exec_request;

enum shim_op {
        SHIM_OP_STATE,
        SHIM_OP_SIGNAL,
        SHIM_OP_RESIZE,
        SHIM_OP_ATTACH,
        SHIM_OP_WAIT,
        SHIM_OP_PAUSE,                  /* control-ops.c: freeze, thaw, counters, pids */
        SHIM_OP_RESUME,
        SHIM_OP_STATS,
        SHIM_OP_PIDS,
        SHIM_OP_EXEC,                   /* control-exec.c: a process in the container */
        SHIM_OP_EXEC_STATE,
        SHIM_OP_EXEC_WAIT,
        _SHIM_OP_MAX,
        _SHIM_OP_INVALID = -EINVAL,
};

struct shim_request {
        enum shim_op op;
        int signo;                      /* signal */
        unsigned rows, cols;            /* resize */
        bool in, out, err;              /* attach: which streams */
        bool stdin_once;                /* attach: EOF from this client closes the container's stdin */
        struct shim_detach detach;      /* attach: detach keys; len 0 = the default */
        char exec_id[SHIM_EXEC_ID_MAX]; /* exec ops: "id"; resize: "exec", "" for the container */
        struct shim_exec_request *exec; /* exec: what to run; freed by shim_request_done() */
};

int shim_request_parse(const char *msg, size_t len, struct shim_request *ret, struct ctrd_error *err);
/* Frees what a parsed request owns. */
void shim_request_done(struct shim_request *req);

/* Replies, each a malloc'ed line ending in "\n"; NULL when out of memory. */
char *shim_reply_ok(void);
char *shim_reply_error(const struct ctrd_error *e);
char *shim_reply_state(const struct shim_status *st);
/* The answer to "wait", sent when the container has exited. */
char *shim_reply_exit(const struct shim_status *st);
