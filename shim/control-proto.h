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

/* Largest request the shim reads; anything longer is refused. */
#define SHIM_REQUEST_MAX 4096

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
        _SHIM_OP_MAX,
        _SHIM_OP_INVALID = -EINVAL,
};

struct shim_request {
        enum shim_op op;
        int signo;                      /* signal */
        unsigned rows, cols;            /* resize */
        bool in, out, err;              /* attach: which streams */
        bool stdin_once;                /* attach: EOF from this client closes the container's stdin */
};

int shim_request_parse(const char *msg, size_t len, struct shim_request *ret, struct ctrd_error *err);

/* Replies, each a malloc'ed line ending in "\n"; NULL when out of memory. */
char *shim_reply_ok(void);
char *shim_reply_error(const struct ctrd_error *e);
char *shim_reply_state(const struct shim_status *st);
/* The answer to "wait", sent when the container has exited. */
char *shim_reply_exit(const struct shim_status *st);
