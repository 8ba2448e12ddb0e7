/*
 * Waiting, from the loop, for a container's exit: a connection to its shim's
 * control socket with a "wait" request outstanding. The shim answers when
 * the container has exited (after writing the exit file). If the shim is
 * already gone, the exit file is the answer. Used after start and, after a
 * daemon restart, for every container that was running.
 */
#pragma once

#include <uv.h>

#include "error.h"
#include "shim-client.h"

struct shim_watch;

/* r == 0: ex is the exit; r < 0: the exit could not be learnt (err says why). */
typedef void (*shim_exit_cb)(int r, const struct ctrd_shim_exit *ex, const struct ctrd_error *err,
                             void *userdata);

/* Calls cb once, from the loop, unless cancelled first. */
int shim_watch_start(uv_loop_t *loop, const char *run_dir, shim_exit_cb cb, void *userdata,
                     struct shim_watch **ret, struct ctrd_error *err);

/* Stops watching; cb is not called afterwards. Accepts NULL. */
void shim_watch_cancel(struct shim_watch *w);
