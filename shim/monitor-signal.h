/*
 * Signals reach the shim's loop through a self-pipe: the handlers only write
 * the signal number into it. A self-pipe rather than signalfd because
 * signalfd needs the signals blocked, and a blocked mask would be inherited
 * by the container's process unless every runtime path remembered to reset
 * it; handlers, in contrast, are reset to the default by execve().
 */
#pragma once

/*
 * Installs handlers for SIGCHLD, SIGTERM, SIGINT and SIGHUP (and quiets
 * SIGPIPE), then unblocks them: signals held across the handover arrive now.
 * Returns the pipe's read end or -errno.
 */
int shim_signal_setup(void);

/*
 * Before the handover's execve(), which resets handlers but keeps the mask
 * and pending signals: blocks those signals and makes the ones already in
 * the pipe (fd) pending again, so ctrd-shim-monitor receives them all.
 */
int shim_signal_hold(int fd);

/* Reads one pending signal number: > 0, 0 when none is pending, or -errno. */
int shim_signal_next(int fd);
