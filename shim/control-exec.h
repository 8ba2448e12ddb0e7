/*
 * Processes started inside the running container (`docker exec`), as the
 * shim's children. Each exec has its own stdio (pipes, or a pty with "tty")
 * pumped by the same code as the container's (stdio-pump.c), streamed to the
 * client socket that came with the request (stdio-attach.c: raw with a tty,
 * Docker's multiplexed frames otherwise), and no log file.
 *
 * Life of one exec:
 *   running  --reaped: exit code recorded-->  draining
 *            --stdout+stderr at EOF, or 1 s-->  done
 * On "done", in this order: the last output goes to the client, "exec-wait"
 * requests are answered, the client's stream is ended. "exec-state" reports
 * the exit code from the moment the process was reaped, so it is known
 * before the client sees its stream end. Finished execs are remembered
 * (the newest SHIM_EXECS_KEEP) for "exec-state" and "exec-wait".
 * Protocol: docs/shim-protocol.md.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "control-exec-proto.h"
#include "control-server.h"
#include "error.h"
#include "monitor-loop.h"

#define SHIM_EXECS_KEEP 256

struct rt_container;
struct shim_execs;

/* Starts req's process with stdio (the process's ends); the runtime's part. */
typedef int (*shim_exec_start_fn)(void *userdata, const struct shim_exec_request *req, const int stdio[3],
                                  pid_t *ret_pid, int *ret_pty, struct ctrd_error *err);

/* start may be NULL: then every exec is refused (EOPNOTSUPP). */
int shim_execs_new(struct shim_loop *loop, struct shim_control *ctl, shim_exec_start_fn start,
                   void *userdata, struct shim_execs **ret);

/*
 * Handles "exec", "exec-state", "exec-wait" and "resize" with an exec id;
 * running is false once the container's init was reaped. Same contract as
 * shim_control_fn: the reply line, or NULL when it will come later.
 */
char *shim_execs_handle(struct shim_execs *x, struct shim_conn *c, const struct shim_request *req, int *fd,
                        bool running);

/* A child was reaped: true when it was an exec (its exit code is recorded). */
bool shim_execs_reaped(struct shim_execs *x, pid_t pid, int wait_status);

/* The container is gone: kills and reaps every exec still running and ends its stream. */
void shim_execs_stop(struct shim_execs *x);

/* Accepts NULL. */
void shim_execs_free(struct shim_execs *x);

/* The runtime's side (control-exec-rt.c): rt_container_exec() for req, as a child of our parent. */
int shim_exec_runtime(const struct rt_container *c, const char *bundle, const char *seccomp_cache,
                      const struct shim_exec_request *req, const int stdio[3], pid_t *ret_pid, int *ret_pty,
                      struct ctrd_error *err);
