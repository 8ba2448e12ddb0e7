/*
 * The monitor driven end to end without the runtime: a plain /bin/sh child
 * stands in for the container, and requests are queued on the control
 * socket before the loop runs (the single-threaded test cannot talk to the
 * loop while it runs; the socket's buffers carry the conversation).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "cleanup.h"
#include "fs-util.h"
#include "monitor-core.h"
#include "monitor-signal.h"
#include "shim-client.h"
#include "stdio-attach.h"
#include "stdio-frame.h"

struct fixture {
        char dir[64];
        char run_dir[96];
        char log_path[96];
        int run_dir_fd;
        int signal_fd;
        struct shim_loop *loop;
        struct shim_logfile *log;
        int in_pipe[2], out_pipe[2], err_pipe[2];
        int destroyed;
        uint64_t oom_kills;
};

static int fake_oom_kills(void *userdata, uint64_t *ret) {
        struct fixture *f = userdata;
        *ret = f->oom_kills;
        return 0;
}

static int fake_destroy(void *userdata, struct ctrd_error *err) {
        struct fixture *f = userdata;
        f->destroyed++;
        return 0;
}

static int setup(void **state) {
        struct fixture *f = calloc(1, sizeof(*f));
        snprintf(f->dir, sizeof(f->dir), "/tmp/test-shim-monitor.XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        snprintf(f->run_dir, sizeof(f->run_dir), "%s/run", f->dir);
        snprintf(f->log_path, sizeof(f->log_path), "%s/log", f->dir);
        assert_int_equal(mkdir(f->run_dir, 0700), 0);
        f->run_dir_fd = open(f->run_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        f->signal_fd = shim_signal_setup();
        assert_true(f->signal_fd >= 0);
        assert_int_equal(shim_loop_new(&f->loop), 0);
        struct shim_logfile_opts lo = { .path = f->log_path, .max_files = 1 };
        assert_int_equal(shim_logfile_open(&lo, &f->log, NULL), 0);
        assert_int_equal(pipe2(f->in_pipe, O_CLOEXEC), 0);
        assert_int_equal(pipe2(f->out_pipe, O_CLOEXEC), 0);
        assert_int_equal(pipe2(f->err_pipe, O_CLOEXEC), 0);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        struct fixture *f = *state;
        _cleanup_free_ char *exit_path = NULL;
        assert_true(asprintf(&exit_path, "%s/exit", f->run_dir) > 0);
        unlink(exit_path);
        rmdir(f->run_dir);
        unlink(f->log_path);
        rmdir(f->dir);
        close(f->run_dir_fd);
        close(f->signal_fd);
        shim_logfile_free(f->log);
        shim_loop_free(f->loop);
        free(f);
        return 0;
}

/* Starts sh -c script on the fixture's pipes and hands our ends to a new monitor. */
static struct shim_monitor *start_oom(struct fixture *f, const char *script, int oom_fd) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                dup2(f->in_pipe[0], 0);
                dup2(f->out_pipe[1], 1);
                dup2(f->err_pipe[1], 2);
                execl("/bin/sh", "sh", "-c", script, (char *) NULL);
                _exit(127);
        }
        close(f->in_pipe[0]);
        close(f->out_pipe[1]);
        close(f->err_pipe[1]);
        struct shim_monitor_config cfg = {
                .run_dir = f->run_dir, .run_dir_fd = f->run_dir_fd, .pid = pid, .signal_fd = f->signal_fd,
                .oom_fd = oom_fd, .open_stdin = true, .log = f->log,
                .stdio = { .out = f->out_pipe[0], .err = f->err_pipe[0], .in = f->in_pipe[1], .pty = -1 },
                .ops = { .oom_kills = fake_oom_kills, .destroy = fake_destroy, .userdata = f },
        };
        struct shim_monitor *m = NULL;
        struct ctrd_error err = { 0 };
        assert_int_equal(shim_monitor_new(f->loop, &cfg, &m, &err), 0);
        return m;
}

static struct shim_monitor *start(struct fixture *f, const char *script) {
        return start_oom(f, script, -1);
}

static char *read_log(struct fixture *f) {
        char *s = NULL;
        assert_int_equal(ctrd_read_file(f->log_path, 1 << 20, &s, NULL, NULL), 0);
        return s;
}

/* Sends one raw request line on a new control connection; the reply is read later. */
static int queue_request(struct fixture *f, const char *line) {
        struct ctrd_error err = { 0 };
        int fd = ctrd_shim_connect(f->run_dir, &err);
        assert_true(fd >= 0);
        assert_int_equal(send(fd, line, strlen(line), 0), (ssize_t) strlen(line));
        return fd;
}

static void read_reply(int fd, char *buf, size_t size) {
        ssize_t n = recv(fd, buf, size - 1, MSG_DONTWAIT);
        assert_true(n > 0);
        buf[n] = '\0';
}

static void test_exit_code_logs_and_wait(void **state) {
        struct fixture *f = *state;
        struct shim_monitor *m = start(f, "echo out; echo err >&2; exit 3");
        int wait_fd = queue_request(f, "{\"op\":\"wait\"}\n");

        assert_int_equal(shim_monitor_run(m), 0);
        shim_monitor_free(m);

        char reply[512];
        read_reply(wait_fd, reply, sizeof(reply));
        assert_non_null(strstr(reply, "\"event\":\"exit\",\"exit_code\":3,\"signal\":0"));
        close(wait_fd);

        struct ctrd_shim_exit e;
        assert_int_equal(ctrd_shim_read_exit(f->run_dir, &e, NULL), 0);
        assert_int_equal(e.exit_code, 3);
        assert_false(e.oom_killed);
        assert_int_equal(f->destroyed, 1);

        _cleanup_free_ char *log = read_log(f);
        assert_non_null(strstr(log, "{\"log\":\"out\\n\",\"stream\":\"stdout\",\"time\":\""));
        assert_non_null(strstr(log, "{\"log\":\"err\\n\",\"stream\":\"stderr\",\"time\":\""));
        /* The socket is gone with the monitor; only the exit file stays. */
        assert_int_equal(faccessat(f->run_dir_fd, "shim.sock", F_OK, 0), -1);
}

static void test_signal_and_state(void **state) {
        struct fixture *f = *state;
        struct shim_monitor *m = start(f, "exec sleep 30");
        int state_fd = queue_request(f, "{\"op\":\"state\"}\n");
        int sig_fd = queue_request(f, "{\"op\":\"signal\",\"signo\":9}\n");
        int bad_fd = queue_request(f, "{\"op\":\"resize\",\"rows\":1,\"cols\":1}\n");

        f->oom_kills = 1;
        assert_int_equal(shim_monitor_run(m), 0);
        shim_monitor_free(m);

        char reply[512];
        read_reply(state_fd, reply, sizeof(reply));
        assert_non_null(strstr(reply, "\"status\":\"running\""));
        read_reply(sig_fd, reply, sizeof(reply));
        assert_string_equal(reply, "{\"ok\":true}\n");
        read_reply(bad_fd, reply, sizeof(reply));
        assert_string_equal(reply, "{\"ok\":false,\"error\":\"the container has no terminal\",\"errno\":25}\n");
        close(state_fd);
        close(sig_fd);
        close(bad_fd);

        struct ctrd_shim_exit e;
        assert_int_equal(ctrd_shim_read_exit(f->run_dir, &e, NULL), 0);
        assert_int_equal(e.exit_code, 137);
        assert_int_equal(e.signal, 9);
        assert_true(e.oom_killed);
}

/* Reads frames from fd until EOF into out (stdout) and errs (stderr). */
static void read_frames(int fd, char *out, char *errs, size_t size) {
        struct shim_buf b = { 0 };
        char buf[4096];
        ssize_t n;
        while ((n = read(fd, buf, sizeof(buf))) > 0)
                assert_int_equal(shim_buf_append(&b, buf, (size_t) n), 0);
        out[0] = errs[0] = '\0';
        size_t off = 0;
        while (off + SHIM_FRAME_HEADER_SIZE <= b.len) {
                enum shim_stream st;
                uint32_t len;
                assert_int_equal(shim_frame_parse((uint8_t *) b.data + off, &st, &len), 0);
                assert_true(off + SHIM_FRAME_HEADER_SIZE + len <= b.len);
                char *dst = st == SHIM_STREAM_STDERR ? errs : out;
                strncat(dst, b.data + off + SHIM_FRAME_HEADER_SIZE, len < size - strlen(dst) - 1 ? len : 0);
                off += SHIM_FRAME_HEADER_SIZE + len;
        }
        assert_int_equal(off, b.len);
        shim_buf_done(&b);
}

static void test_attach_stdin_and_frames(void **state) {
        struct fixture *f = *state;
        /* cat echoes stdin and ends at its EOF, which the client's half-close causes. */
        struct shim_monitor *m = start(f, "cat; echo done >&2");
        int sp[2];
        struct ctrd_error err = { 0 };
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
        struct shim_attach_opts o = { .in = true, .out = true, .err = true, .stdin_once = true };
        assert_int_equal(shim_attach_add(shim_monitor_stdio(m), sp[1], &o, &err), 0);
        assert_int_equal(write(sp[0], "ping\n", 5), 5);
        assert_int_equal(shutdown(sp[0], SHUT_WR), 0);

        assert_int_equal(shim_monitor_run(m), 0);
        shim_monitor_free(m);

        char out[256], errs[256];
        read_frames(sp[0], out, errs, sizeof(out));
        assert_string_equal(out, "ping\n");
        assert_string_equal(errs, "done\n");
        close(sp[0]);
        _cleanup_free_ char *log = read_log(f);
        assert_non_null(strstr(log, "\"log\":\"ping\\n\",\"stream\":\"stdout\""));
}

static void test_attach_rejects_non_socket(void **state) {
        struct fixture *f = *state;
        struct shim_monitor *m = start(f, "exit 0");
        struct ctrd_error err = { 0 };
        int p[2];
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        struct shim_attach_opts o = { .out = true };
        assert_int_equal(shim_attach_add(shim_monitor_stdio(m), p[0], &o, &err), -ENOTSOCK);
        assert_string_equal(err.msg, "the attached fd is not a stream socket");
        close(p[1]);
        assert_int_equal(shim_monitor_run(m), 0);
        shim_monitor_free(m);
}

static void test_oom_fd_marks_the_exit(void **state) {
        struct fixture *f = *state;
        int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        assert_true(efd >= 0);
        /* The kernel's OOM notification, simulated: the counter alone says nothing here. */
        uint64_t one = 1;
        assert_int_equal(write(efd, &one, sizeof(one)), sizeof(one));
        struct shim_monitor *m = start_oom(f, "sleep 0.2; exit 1", efd);
        assert_int_equal(shim_monitor_run(m), 0);
        shim_monitor_free(m);
        close(efd);

        struct ctrd_shim_exit e;
        assert_int_equal(ctrd_shim_read_exit(f->run_dir, &e, NULL), 0);
        assert_int_equal(e.exit_code, 1);
        assert_true(e.oom_killed);
}

static void test_output_held_open_after_exit(void **state) {
        struct fixture *f = *state;
        struct timespec t0, t1;
        /* A background child keeps stdout open after the init exits: the drain gives up after 1 s. */
        struct shim_monitor *m = start(f, "sleep 3 & echo $! >&2; exit 5");
        clock_gettime(CLOCK_MONOTONIC, &t0);
        assert_int_equal(shim_monitor_run(m), 0);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        shim_monitor_free(m);

        _cleanup_free_ char *log = read_log(f);
        int bg = 0;
        assert_int_equal(sscanf(log, "{\"log\":\"%d", &bg), 1);
        kill((pid_t) bg, SIGKILL);
        double secs = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
        assert_true(secs >= 0.9 && secs < 2.5);
        struct ctrd_shim_exit e;
        assert_int_equal(ctrd_shim_read_exit(f->run_dir, &e, NULL), 0);
        assert_int_equal(e.exit_code, 5);
}

static void test_unread_stdin_never_blocks(void **state) {
        struct fixture *f = *state;
        /* The container never reads its stdin; the client sends far more than a pipe holds. */
        struct shim_monitor *m = start(f, "sleep 0.3; exit 4");
        int sp[2];
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
        struct shim_attach_opts o = { .in = true, .out = true, .stdin_once = true };
        assert_int_equal(shim_attach_add(shim_monitor_stdio(m), sp[1], &o, NULL), 0);
        static char junk[64 * 1024];
        size_t sent = 0;
        for (;;) {
                ssize_t n = send(sp[0], junk, sizeof(junk), MSG_DONTWAIT);
                if (n <= 0)
                        break;
                sent += (size_t) n;
        }
        assert_true(sent > 64 * 1024);

        assert_int_equal(shim_monitor_run(m), 0);
        shim_monitor_free(m);
        close(sp[0]);
        struct ctrd_shim_exit e;
        assert_int_equal(ctrd_shim_read_exit(f->run_dir, &e, NULL), 0);
        assert_int_equal(e.exit_code, 4);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_exit_code_logs_and_wait, setup, teardown),
                cmocka_unit_test_setup_teardown(test_signal_and_state, setup, teardown),
                cmocka_unit_test_setup_teardown(test_attach_stdin_and_frames, setup, teardown),
                cmocka_unit_test_setup_teardown(test_attach_rejects_non_socket, setup, teardown),
                cmocka_unit_test_setup_teardown(test_oom_fd_marks_the_exit, setup, teardown),
                cmocka_unit_test_setup_teardown(test_output_held_open_after_exit, setup, teardown),
                cmocka_unit_test_setup_teardown(test_unread_stdin_never_blocks, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
