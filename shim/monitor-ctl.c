/*
 * A command-line client of the control socket, for tests and for people
 * poking at a running shim; built as a check program on lib/shim-client.
 *
 *   monitor-ctl RUN_DIR state | wait | exit | signal N | resize ROWS COLS
 *   monitor-ctl RUN_DIR attach STREAMS     (STREAMS: comma list of stdin,stdout,stderr)
 *   monitor-ctl with-attach STREAMS CMD... (runs CMD with the other end of an attach
 *                                           socket as fd 4, e.g. a shim given --attach 4:STREAMS)
 *
 * attach copies our stdin to the container (half-closing at EOF) and writes
 * the container's output to our stdout/stderr, decoding Docker's frames,
 * until the shim ends the stream.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs-util.h"
#include "shim-client.h"
#include "stdio-buf.h"
#include "stdio-frame.h"
#include "string-util.h"

static void print_exit(const struct ctrd_shim_exit *e) {
        printf("exit_code=%d signal=%d oom_killed=%d finished_at=%s\n",
               e->exit_code, e->signal, e->oom_killed, e->finished_at);
}

/* Writes every complete frame in b to our stdout or stderr. */
static int demux(struct shim_buf *b, bool raw) {
        if (raw) {
                int r = ctrd_write_all(STDOUT_FILENO, b->data, b->len);
                shim_buf_consume(b, b->len);
                return r;
        }
        while (b->len >= SHIM_FRAME_HEADER_SIZE) {
                enum shim_stream st;
                uint32_t len;
                if (shim_frame_parse((const uint8_t *) b->data, &st, &len) < 0)
                        return -EPROTO;
                if (b->len < SHIM_FRAME_HEADER_SIZE + (size_t) len)
                        break;
                int r = ctrd_write_all(st == SHIM_STREAM_STDERR ? STDERR_FILENO : STDOUT_FILENO,
                                       b->data + SHIM_FRAME_HEADER_SIZE, len);
                if (r < 0)
                        return r;
                shim_buf_consume(b, SHIM_FRAME_HEADER_SIZE + (size_t) len);
        }
        return 0;
}

static int pump(int sock, bool raw) {
        struct pollfd p[2] = { { .fd = sock, .events = POLLIN }, { .fd = STDIN_FILENO, .events = POLLIN } };
        struct shim_buf b = { 0 };
        char buf[4096];
        int r = 0;

        while (r >= 0) {
                if (poll(p, 2, -1) < 0 && errno != EINTR)
                        break;
                if (p[1].revents) {
                        ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
                        if (n <= 0) {
                                shutdown(sock, SHUT_WR);
                                p[1].fd = -1;
                        } else if (ctrd_write_all(sock, buf, (size_t) n) < 0) {
                                p[1].fd = -1;
                        }
                }
                if (p[0].revents) {
                        ssize_t n = read(sock, buf, sizeof(buf));
                        if (n <= 0)
                                break;
                        r = shim_buf_append(&b, buf, (size_t) n);
                        if (r >= 0)
                                r = demux(&b, raw);
                }
        }
        shim_buf_done(&b);
        return r;
}

static int attach(int fd, const char *streams, struct ctrd_error *err) {
        int sp[2];
        bool raw = strstr(streams, "raw") != NULL;      /* a tty: no frames */
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
                return ctrd_error_sys(err, errno, "socketpair");
        int r = ctrd_shim_attach(fd, sp[1], strstr(streams, "stdin"), strstr(streams, "stdout"),
                                 strstr(streams, "stderr"), true, err);
        close(sp[1]);
        if (r >= 0)
                r = pump(sp[0], raw);
        close(sp[0]);
        return r;
}

/* Attached before the start: CMD gets the shim's end as fd 4, we pump our end. */
static int with_attach(const char *streams, char *cmd[], struct ctrd_error *err) {
        int sp[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
                return ctrd_error_sys(err, errno, "socketpair");
        pid_t pid = fork();
        if (pid < 0)
                return ctrd_error_sys(err, errno, "fork");
        if (pid == 0) {
                /* dup2 onto itself would keep close-on-exec set. */
                if (sp[1] == 4 ? fcntl(4, F_SETFD, 0) < 0 : dup2(sp[1], 4) < 0)
                        _exit(127);
                execvp(cmd[0], cmd);
                _exit(127);
        }
        close(sp[1]);
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                close(sp[0]);
                return ctrd_error_set(err, EIO, "'%s' failed", cmd[0]);
        }
        int r = pump(sp[0], strstr(streams, "raw") != NULL);
        close(sp[0]);
        return r;
}

static int run(int argc, char *argv[], struct ctrd_error *err) {
        const char *cmd = argv[2];
        struct ctrd_shim_exit e;
        int r;

        if (strcmp(argv[1], "with-attach") == 0 && argc > 3)
                return with_attach(argv[2], argv + 3, err);
        if (strcmp(cmd, "exit") == 0) {
                r = ctrd_shim_read_exit(argv[1], &e, err);
                if (r >= 0)
                        print_exit(&e);
                return r;
        }
        _cleanup_close_ int fd = ctrd_shim_connect(argv[1], err);
        if (fd < 0)
                return fd;
        if (strcmp(cmd, "state") == 0) {
                struct ctrd_shim_state st;
                r = ctrd_shim_state(fd, &st, err);
                if (r >= 0)
                        printf("status=%s pid=%d started_at=%s\n", st.exited ? "exited" : "running",
                               (int) st.pid, st.started_at);
                return r;
        }
        if (strcmp(cmd, "wait") == 0) {
                r = ctrd_shim_wait(fd, &e, err);
                if (r >= 0)
                        print_exit(&e);
                return r;
        }
        int64_t a = 0, b = 0;
        if (strcmp(cmd, "signal") == 0 && argc == 4 && ctrd_parse_int64(argv[3], 1, 64, &a) >= 0)
                return ctrd_shim_signal(fd, (int) a, err);
        if (strcmp(cmd, "resize") == 0 && argc == 5 && ctrd_parse_int64(argv[3], 0, 65535, &a) >= 0 &&
            ctrd_parse_int64(argv[4], 0, 65535, &b) >= 0)
                return ctrd_shim_resize(fd, (unsigned) a, (unsigned) b, err);
        if (strcmp(cmd, "attach") == 0 && argc == 4)
                return attach(fd, argv[3], err);
        return ctrd_error_set(err, EINVAL, "unknown command '%s' or wrong arguments", cmd);
}

int main(int argc, char *argv[]) {
        struct ctrd_error err = { 0 };
        if (argc < 3) {
                fprintf(stderr, "usage: %s RUN_DIR state|wait|exit|signal N|resize R C|attach STREAMS\n",
                        argv[0]);
                return 2;
        }
        if (run(argc, argv, &err) < 0) {
                fprintf(stderr, "monitor-ctl: %s\n", err.msg);
                return 1;
        }
        return 0;
}
