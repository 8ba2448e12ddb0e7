/*
 * The control socket RUN_DIR/shim.sock (AF_UNIX, SOCK_SEQPACKET, mode 0600):
 * one request per packet, one reply per request, in order. A request may
 * carry one fd (SCM_RIGHTS), used by "attach". "wait" is answered only when
 * the container has exited, so the connection that sent it receives the exit
 * event; other requests on that connection are still answered meanwhile.
 * Protocol: docs/shim-protocol.md.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "control-proto.h"
#include "error.h"
#include "monitor-loop.h"

#define SHIM_SOCKET_FILE "shim.sock"

struct shim_control;
struct shim_conn;

/*
 * Handles one request; *fd is the fd that came with it (or -EBADF); take it
 * with TAKE_FD to keep it, else it is closed. Returns the reply line
 * (malloc'ed), or NULL after calling shim_conn_defer() to answer later.
 */
typedef char *(*shim_control_fn)(struct shim_conn *c, const struct shim_request *req, int *fd,
                                 void *userdata);

/* Binds RUN_DIR/shim.sock through run_dir_fd, so the path length does not matter. */
int shim_control_new(struct shim_loop *loop, int run_dir_fd, shim_control_fn handler, void *userdata,
                     struct shim_control **ret, struct ctrd_error *err);

/* Marks c as waiting for the exit event. */
void shim_conn_defer(struct shim_conn *c);

/*
 * Keeps c open for one answer sent later with shim_control_answer() (an
 * exec's end, for "exec-wait"); returns the number that names c meanwhile.
 * A connection that closes first is simply gone: the answer is dropped.
 */
uint64_t shim_conn_hold(struct shim_conn *c);
void shim_control_answer(struct shim_control *ctl, uint64_t serial, const char *line);

/* Sends line to every deferred connection, including ones still in the backlog. */
void shim_control_broadcast(struct shim_control *ctl, const char *line);

/* Closes every connection and the listening socket and unlinks it. Accepts NULL. */
void shim_control_free(struct shim_control *ctl);
