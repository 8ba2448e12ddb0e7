/*
 * An interactive session over a hijacked connection (run -i/-t, exec, attach):
 * our stdin goes to the connection, its output to our stdout/stderr (raw with
 * a TTY, demultiplexed otherwise). With a TTY on our side, the terminal is in
 * raw mode for the session and restored on every way out, and each SIGWINCH
 * becomes a resize request.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "http.h"

struct ctl_session_opts {
        bool tty;                       /* the process has a TTY: raw stream, raw terminal */
        bool stdin_open;                /* send our stdin; EOF half-closes the connection */
        const char *resize_path;        /* "/containers/ID/resize" or "/exec/ID/resize"; NULL none */
};

/* Runs the session until the daemon ends the stream. Returns 0 or -errno (printed). */
int ctl_session_run(struct ctl_client *c, int fd, const char *extra, size_t extra_len,
                    const struct ctl_session_opts *o);

/* Sends our terminal's size to resize_path (when stdout is a terminal). */
void ctl_session_resize(struct ctl_client *c, const char *resize_path);
