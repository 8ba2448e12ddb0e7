/*
 * The one round trip between ctrd-shim-monitor and `ctrd-shim exec-helper`
 * (docs/shim-protocol.md, "Exec after the handover"), over a SOCK_SEQPACKET
 * pair on the helper's fd 3: the monitor sends the "exec" request of the
 * control protocol with the process's stdio fds (none with a tty); the
 * helper answers as the control socket would, {"ok":true,"pid":N} with the
 * pty master, or {"ok":false,"error":...,"errno":N}.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "control-exec-proto.h"
#include "error.h"

#define SHIM_HELPER_FD 3
#define SHIM_HELPER_MSG_MAX (2 * SHIM_REQUEST_MAX)

/* Sends len bytes of data and the fds >= 0 among fds[0..n_fds) as one packet. */
int shim_helper_send(int sock, const char *data, size_t len, const int *fds, size_t n_fds,
                     struct ctrd_error *err);

/*
 * Receives one packet into buf and its fds (close-on-exec) into fds[0..max_fds),
 * the rest of which are set to -1. Returns the length, or -errno (EOF: ECONNRESET).
 */
ssize_t shim_helper_recv(int sock, char *buf, size_t size, int *fds, size_t max_fds, struct ctrd_error *err);

/* The "exec" request line for x, as the control socket takes it; NULL when out of memory. */
char *shim_helper_request(const char *id, const struct shim_exec_request *x);
