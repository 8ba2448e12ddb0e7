/*
 * The parent/child channel of a container start (docs/shim-runtime.md).
 *
 * One socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC) made before clone();
 * every message is one fixed-size struct rt_sync_msg, so a read is a whole
 * message or nothing. The phases run in this order and the receiver checks
 * that each message is the one it expects:
 *
 *   parent -> child   RT_SYNC_GO        ids mapped, cgroup entered: go on
 *   child  -> parent  RT_SYNC_PTY       (terminal only) the pty master rides along
 *   child  -> parent  RT_SYNC_EXEC      everything is set up, execve() comes next
 *   child  -> parent  RT_SYNC_ERROR     a step failed (any time): step, path, errno
 *
 * After RT_SYNC_EXEC the parent waits for EOF: the child's end is CLOEXEC, so
 * EOF without an RT_SYNC_ERROR means execve() succeeded (libuv's trick, with
 * the socket we already have instead of one more pipe).
 */
#pragma once

#include <stdint.h>

#include "error.h"

enum rt_sync_phase {
        RT_SYNC_GO = 1,
        RT_SYNC_PTY,
        RT_SYNC_EXEC,
        RT_SYNC_ERROR,
};

#define RT_SYNC_STEP_MAX 32
#define RT_SYNC_TEXT_MAX 512

struct rt_sync_msg {
        uint32_t phase;                 /* enum rt_sync_phase */
        int32_t errnum;                 /* positive errno for RT_SYNC_ERROR */
        char step[RT_SYNC_STEP_MAX];    /* "mount", "chdir", "exec", ... */
        char text[RT_SYNC_TEXT_MAX];    /* the path or object the step worked on */
};

/* Sends phase; fd_to_pass >= 0 goes along as SCM_RIGHTS. */
int rt_sync_send(int sock, enum rt_sync_phase phase, int fd_to_pass);

/* Sends an error: "step text: strerror(errnum)" on the other side. Keeps errno. */
void rt_sync_send_error(int sock, const char *step, const char *text, int errnum);

/*
 * Receives one message. Returns 0 on EOF, 1 with *msg filled (and *ret_fd the
 * passed fd or -1), -errno on a broken channel.
 */
int rt_sync_recv(int sock, struct rt_sync_msg *msg, int *ret_fd);

/* Receives and checks that the message is `want`; an RT_SYNC_ERROR fills err. */
int rt_sync_expect(int sock, enum rt_sync_phase want, int *ret_fd, struct ctrd_error *err);

/* The error a received RT_SYNC_ERROR message describes, in err. */
int rt_sync_error_from_msg(const struct rt_sync_msg *msg, struct ctrd_error *err);
