/*
 * One attached client: a stream socket the daemon received from a Docker
 * client (after the HTTP 101) and passed to the shim with SCM_RIGHTS. The
 * shim writes the container's output to it (raw with a tty, else in Docker's
 * multiplexed frames) and reads the client's stdin from it. A half-close
 * from the client is stdin EOF; a full close (EPOLLHUP) is a detach.
 * A client that falls more than SHIM_ATTACH_MAX_PENDING bytes behind is
 * dropped rather than allowed to grow the shim or stall the container.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "logfile-json.h"
#include "stdio-detach.h"
#include "stdio-pump.h"

#define SHIM_ATTACH_MAX_PENDING (1024 * 1024)

struct shim_attach_opts {
        bool in, out, err;
        bool stdin_once;
        struct shim_detach detach;      /* keys that end this client's attach (with a tty) */
};

/* Takes ownership of fd (also on failure); fd must be a stream socket. */
int shim_attach_add(struct shim_stdio *s, int fd, const struct shim_attach_opts *opts,
                    struct ctrd_error *err);

/* Output from the container, for every client that asked for stream st. */
void shim_attach_broadcast(struct shim_stdio *s, enum shim_stream st, const char *data, size_t len);

/* Recomputes which clients may read input (after the stdin queue drained). */
void shim_attach_update_all(struct shim_stdio *s);

/* Writes what is pending (waiting at most about a second per client), ends and frees every client. */
void shim_attach_close_all(struct shim_stdio *s);
