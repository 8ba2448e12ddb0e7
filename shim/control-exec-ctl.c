/*
 * A command-line client for the exec requests of the control socket, for
 * tests and for poking at a live shim (a check program, like monitor-ctl):
 *
 *   exec-ctl RUN_DIR exec ID [-t] [-i] [-p] [-k KEYS] [-u UID:GID[:GID,...]] [-w DIR] [-e K=V]... -- CMD...
 *   exec-ctl RUN_DIR state ID | wait ID | resize ID ROWS COLS
 *   exec-ctl RUN_DIR bench N      (N execs of `true`: round-trip latency)
 *
 * "exec" streams the process's output to our stdout/stderr (decoding
 * Docker's frames unless -t), copies our stdin with -i (half-closing at EOF)
 * and exits with the exec's exit code, read with exec-state after the
 * stream ended, as the daemon does for GET /exec/{id}/json.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs-util.h"
#include "shim-client.h"
#include "stdio-buf.h"
#include "stdio-frame.h"
#include "string-util.h"

#define MAX_ENV 64
#define MAX_GIDS 32

/* Writes every complete frame in b to our stdout or stderr (everything, raw, with a tty). */
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
                int fd = st == SHIM_STREAM_STDERR ? STDERR_FILENO : STDOUT_FILENO;
                int r = ctrd_write_all(fd, b->data + SHIM_FRAME_HEADER_SIZE, len);
                if (r < 0)
                        return r;
                shim_buf_consume(b, SHIM_FRAME_HEADER_SIZE + (size_t) len);
        }
        return 0;
}

/* Until the shim ends the stream. */
static int pump(int sock, bool in, bool raw) {
        struct pollfd p[2] = { { .fd = sock, .events = POLLIN },
                               { .fd = in ? STDIN_FILENO : -1, .events = POLLIN } };
        _cleanup_(shim_buf_done) struct shim_buf b = { 0 };
        char buf[16384];

        for (;;) {
                if (poll(p, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (p[1].revents) {
                        ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
                        if (n <= 0 || ctrd_write_all(sock, buf, (size_t) n) < 0) {
                                shutdown(sock, SHUT_WR);
                                p[1].fd = -1;
                        }
                }
                if (p[0].revents) {
                        ssize_t n = read(sock, buf, sizeof(buf));
                        if (n <= 0)
                                return 0;
                        int r = shim_buf_append(&b, buf, (size_t) n);
                        if (r < 0 || (r = demux(&b, raw)) < 0)
                                return r;
                }
        }
}

struct exec_args {
        struct ctrd_shim_exec_opts o;
        char *env[MAX_ENV + 1];
        size_t n_env;
        gid_t gids[MAX_GIDS];
};

/* "UID:GID[:GID,...]" */
static int parse_user(const char *s, struct exec_args *a) {
        int64_t v;
        _cleanup_free_ char *copy = strdup(s);
        char *save = NULL, *uid = copy ? strtok_r(copy, ":", &save) : NULL;
        char *gid = uid ? strtok_r(NULL, ":", &save) : NULL, *gids = gid ? strtok_r(NULL, ":", &save) : NULL;
        if (!gid || ctrd_parse_int64(uid, 0, UINT32_MAX - 1, &v) < 0)
                return -EINVAL;
        a->o.uid = (uid_t) v;
        if (ctrd_parse_int64(gid, 0, UINT32_MAX - 1, &v) < 0)
                return -EINVAL;
        a->o.gid = (gid_t) v;
        a->o.has_user = true;
        a->o.additional_gids = a->gids;
        for (char *g = gids ? strtok_r(gids, ",", &save) : NULL; g; g = strtok_r(NULL, ",", &save)) {
                if (a->o.n_additional_gids == MAX_GIDS || ctrd_parse_int64(g, 0, UINT32_MAX - 1, &v) < 0)
                        return -EINVAL;
                a->gids[a->o.n_additional_gids++] = (gid_t) v;
        }
        return 0;
}

static int parse_exec(int argc, char *argv[], struct exec_args *a, struct ctrd_error *err) {
        int c;

        optind = 1;
        while ((c = getopt(argc, argv, "+tipk:u:w:e:")) != -1) {
                switch (c) {
                case 't': a->o.tty = true; break;
                case 'i': a->o.in = true; break;
                case 'p': a->o.privileged = true; break;
                case 'w': a->o.cwd = optarg; break;
                case 'k': a->o.detach_keys = optarg; break;
                case 'u':
                        if (parse_user(optarg, a) < 0)
                                return ctrd_error_set(err, EINVAL, "bad user '%s'", optarg);
                        break;
                case 'e':
                        if (a->n_env == MAX_ENV)
                                return ctrd_error_set(err, E2BIG, "too many -e");
                        a->env[a->n_env++] = optarg;
                        a->o.env = a->env;
                        break;
                default:
                        return ctrd_error_set(err, EINVAL, "bad exec option");
                }
        }
        if (optind >= argc)
                return ctrd_error_set(err, EINVAL, "exec needs a command");
        a->o.args = argv + optind;
        return 0;
}

/* Reads the stream to its end without showing it. */
static void drain(int sock) {
        static char buf[16384];
        while (read(sock, buf, sizeof(buf)) > 0)
                ;
}

/* Starts the exec over a socketpair, pumps it, and returns its exit code. */
static int run_exec(int fd, const struct ctrd_shim_exec_opts *o, bool quiet, struct ctrd_error *err) {
        struct ctrd_error serr = { 0 };
        struct ctrd_shim_exec_state st;
        int sp[2], r = 0;

        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
                return ctrd_error_sys(err, errno, "socketpair");
        _cleanup_close_ int ours = sp[0];
        int started = ctrd_shim_exec(fd, sp[1], o, NULL, err);
        close(sp[1]);
        /* A failed start has its reason in the stream too: show it once, from the reply. */
        if (quiet || started < 0)
                drain(ours);
        else
                r = pump(ours, o->in, o->tty);
        if (r < 0)
                return ctrd_error_sys(err, -r, "streaming the exec");
        if (started < 0) {
                /* A start the runtime refused is recorded (pid 0, 126/127); a refused request is not. */
                if (ctrd_shim_exec_state(fd, o->id, &st, &serr) < 0 || st.pid != 0)
                        return started;
                fprintf(stderr, "%s\n", err->msg);
                return st.exit_code;
        }
        if (ctrd_shim_exec_state(fd, o->id, &st, err) < 0)
                return -err->code;
        if (st.running)
                return ctrd_error_set(err, EPROTO, "the stream ended while exec '%s' runs", o->id);
        return st.exit_code;
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;
        return x < y ? -1 : x > y;
}

static double now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

/* N execs of `true` in a row: request, stream end and exec-state each time. */
static int bench(int fd, int n, struct ctrd_error *err) {
        _cleanup_free_ double *ms = calloc((size_t) n, sizeof(double));
        char *args[] = { "true", NULL };
        char id[32];

        if (!ms)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        for (int i = 0; i < n; i++) {
                snprintf(id, sizeof(id), "bench-%d", i);
                struct ctrd_shim_exec_opts o = { .id = id, .args = args };
                double t0 = now_ms();
                int r = run_exec(fd, &o, true, err);
                if (r != 0)
                        return r < 0 ? r : ctrd_error_set(err, EIO, "exec true exited %d", r);
                ms[i] = now_ms() - t0;
        }
        qsort(ms, (size_t) n, sizeof(double), cmp_double);
        printf("exec true round trip over %d runs: median %.2f ms, p90 %.2f ms, min %.2f ms, max %.2f ms\n", n,
               ms[n / 2], ms[(n * 9) / 10], ms[0], ms[n - 1]);
        return 0;
}

static int run(int argc, char *argv[], struct ctrd_error *err) {
        const char *cmd = argv[2], *id = argv[3];
        int64_t a = 0, b = 0;

        _cleanup_close_ int fd = ctrd_shim_connect(argv[1], err);
        if (fd < 0)
                return fd;
        if (strcmp(cmd, "exec") == 0) {
                struct exec_args x = { .o.id = id };
                int r = parse_exec(argc - 3, argv + 3, &x, err);
                return r < 0 ? r : run_exec(fd, &x.o, false, err);
        }
        if (strcmp(cmd, "state") == 0 && argc == 4) {
                struct ctrd_shim_exec_state st;
                int r = ctrd_shim_exec_state(fd, id, &st, err);
                if (r >= 0)
                        printf("running=%d pid=%d exit_code=%d\n", st.running, (int) st.pid, st.exit_code);
                return r < 0 ? r : 0;
        }
        if (strcmp(cmd, "wait") == 0 && argc == 4) {
                int code = 0, r = ctrd_shim_exec_wait(fd, id, &code, err);
                if (r >= 0)
                        printf("exit_code=%d\n", code);
                return r < 0 ? r : 0;
        }
        if (strcmp(cmd, "resize") == 0 && argc == 6 && ctrd_parse_int64(argv[4], 0, 65535, &a) >= 0 &&
            ctrd_parse_int64(argv[5], 0, 65535, &b) >= 0)
                return ctrd_shim_exec_resize(fd, id, (unsigned) a, (unsigned) b, err);
        if (strcmp(cmd, "bench") == 0 && ctrd_parse_int64(id, 1, 100000, &a) >= 0)
                return bench(fd, (int) a, err);
        return ctrd_error_set(err, EINVAL, "unknown command '%s' or wrong arguments", cmd);
}

int main(int argc, char *argv[]) {
        struct ctrd_error err = { 0 };
        if (argc < 4) {
                fprintf(stderr, "usage: %s RUN_DIR exec ID [-t] [-i] [-p] [-u U:G[:G,..]] [-w DIR] [-e K=V] -- CMD...\n"
                                "       %s RUN_DIR state ID | wait ID | resize ID ROWS COLS | bench N\n",
                        argv[0], argv[0]);
                return 2;
        }
        int r = run(argc, argv, &err);
        if (r < 0) {
                fprintf(stderr, "exec-ctl: %s\n", err.msg);
                return 125;
        }
        return r;
}
