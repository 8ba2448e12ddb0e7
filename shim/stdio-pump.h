/*
 * The container's stdio as the shim holds it. Output (two pipes, or the pty
 * master with a terminal) is read as it comes and fanned out to the log file
 * and to every attached client. Input is a pipe the shim keeps open only
 * when the container was started with --stdin (OpenStdin); attached clients
 * feed it, and the shim buffers what the container has not read yet, so a
 * container that ignores its stdin can never block the shim.
 *
 * All fds are non-blocking; nothing here waits.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "logfile-writer.h"
#include "monitor-loop.h"
#include "stdio-buf.h"

struct shim_attach;
struct shim_stdio;

typedef void (*shim_stdio_drained_fn)(struct shim_stdio *s);

struct shim_stdio {
        struct shim_loop *loop;
        struct shim_logfile *log;       /* NULL: no log file */
        bool tty;
        struct shim_watch out_w;        /* stdout pipe, or the pty master */
        struct shim_watch err_w;        /* stderr pipe; unused with a tty */
        int out_fd, err_fd;             /* -EBADF once at EOF */
        int in_fd;                      /* stdin pipe or a dup of the pty master; -EBADF when none */
        int pty_fd;                     /* a dup of the pty master for resizes; -EBADF without a tty */
        struct shim_watch in_w;         /* watches in_fd for EPOLLOUT while in_pending has bytes */
        struct shim_buf in_pending;
        bool in_close_pending;          /* close in_fd once in_pending is written */
        struct shim_attach *attaches;
        shim_stdio_drained_fn on_drained;
};

struct shim_stdio_fds {
        int out, err;                   /* read ends of the container's stdout/stderr pipes */
        int in;                         /* write end of its stdin pipe, or -1 */
        int pty;                        /* the pty master (then out/err/in are -1), or -1 */
};

/* Takes ownership of the fds in fds; shim_stdio_finish() releases them, also after a failure. */
int shim_stdio_init(struct shim_stdio *s, struct shim_loop *loop, struct shim_logfile *log,
                    const struct shim_stdio_fds *fds, bool open_stdin, shim_stdio_drained_fn on_drained,
                    struct ctrd_error *err);

/* true once stdout and stderr are both at EOF. */
bool shim_stdio_drained(const struct shim_stdio *s);

/* Sets the terminal size (TIOCSWINSZ on the pty master). */
int shim_stdio_resize(struct shim_stdio *s, unsigned rows, unsigned cols, struct ctrd_error *err);

/* Queues bytes for the container's stdin; discarded when stdin is not open. */
void shim_stdio_input(struct shim_stdio *s, const char *data, size_t len);

/* Closes the container's stdin once what is queued has been written (pipes only). */
void shim_stdio_close_input(struct shim_stdio *s);

/* Whether attach clients may read more input now (the queue is not full). */
bool shim_stdio_input_ready(const struct shim_stdio *s);

/*
 * The container is gone: reads what is left in the pipes, writes pending
 * partial lines to the log, hands the rest to attach clients and closes the
 * container's fds. The attach clients stay until shim_attach_close_all().
 */
void shim_stdio_finish(struct shim_stdio *s);
