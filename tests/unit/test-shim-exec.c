/*
 * The exec requests (shim/control-exec*.c): parsing and replies, then the
 * monitor driven end to end with a stand-in runtime whose "exec" is a plain
 * fork+exec. As in test-shim-monitor, requests are queued on the control
 * socket before the loop runs, and read back after it.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <cmocka.h>

#include "cleanup.h"
#include "control-exec-proto.h"
#include "fs-util.h"
#include "monitor-core.h"
#include "monitor-signal.h"
#include "shim-client.h"
#include "stdio-buf.h"
#include "stdio-detach.h"
#include "stdio-frame.h"

static int parse(const char *line, struct shim_request *req, struct ctrd_error *err) {
        memset(req, 0, sizeof(*req));
        return shim_request_parse(line, strlen(line), req, err);
}

static void test_parse_exec(void **state) {
        struct ctrd_error err = { 0 };
        struct shim_request req;

        assert_int_equal(parse("{\"op\":\"exec\",\"id\":\"e1\",\"args\":[\"sh\",\"-c\",\"x\"],"
                               "\"env\":[\"A=1\"],\"cwd\":\"/tmp\",\"tty\":true,\"stdin\":true,"
                               "\"privileged\":false,\"user\":{\"uid\":1,\"gid\":2,\"additional_gids\":[3,4]}}",
                               &req, &err), 0);
        assert_int_equal(req.op, SHIM_OP_EXEC);
        assert_string_equal(req.exec_id, "e1");
        assert_string_equal(req.exec->args[2], "x");
        assert_null(req.exec->args[3]);
        assert_string_equal(req.exec->env[0], "A=1");
        assert_string_equal(req.exec->cwd, "/tmp");
        assert_true(req.exec->tty && req.exec->in && !req.exec->privileged && req.exec->has_user);
        assert_int_equal(req.exec->uid, 1);
        assert_int_equal(req.exec->gid, 2);
        assert_int_equal(req.exec->n_additional_gids, 2);
        assert_int_equal(req.exec->additional_gids[1], 4);
        shim_request_done(&req);
        assert_null(req.exec);

        /* Only id and args are needed; everything else is the container's. */
        assert_int_equal(parse("{\"op\":\"exec\",\"id\":\"e2\",\"args\":[\"true\"]}", &req, &err), 0);
        assert_null(req.exec->env);
        assert_null(req.exec->cwd);
        assert_false(req.exec->has_user || req.exec->tty || req.exec->in);
        shim_request_done(&req);

        assert_int_equal(parse("{\"op\":\"exec-state\",\"id\":\"e2\"}", &req, &err), 0);
        assert_int_equal(req.op, SHIM_OP_EXEC_STATE);
        assert_string_equal(req.exec_id, "e2");
        assert_null(req.exec);
        assert_int_equal(parse("{\"op\":\"exec-wait\",\"id\":\"e2\"}", &req, &err), 0);
        assert_int_equal(req.op, SHIM_OP_EXEC_WAIT);
        assert_int_equal(parse("{\"op\":\"resize\",\"rows\":3,\"cols\":4,\"exec\":\"e2\"}", &req, &err), 0);
        assert_string_equal(req.exec_id, "e2");
        assert_int_equal(parse("{\"op\":\"resize\",\"rows\":3,\"cols\":4}", &req, &err), 0);
        assert_string_equal(req.exec_id, "");
}

static void assert_refused(const char *line, const char *msg) {
        struct ctrd_error err = { 0 };
        struct shim_request req;
        assert_true(parse(line, &req, &err) < 0);
        assert_string_equal(err.msg, msg);
}

static void test_parse_errors_name_the_field(void **state) {
        assert_refused("{\"op\":\"exec\",\"args\":[\"sh\"]}", "field 'id' is missing");
        assert_refused("{\"op\":\"exec\",\"id\":\"\",\"args\":[\"sh\"]}",
                       "field 'id' must be a string of 1 to 128 bytes");
        assert_refused("{\"op\":\"exec\",\"id\":\"e\",\"args\":[]}", "field 'args' must be a non-empty array of strings");
        assert_refused("{\"op\":\"exec\",\"id\":\"e\",\"args\":[\"sh\",1]}", "field 'args[1]' must be a string");
        assert_refused("{\"op\":\"exec\",\"id\":\"e\",\"args\":[\"sh\"],\"env\":\"A=1\"}",
                       "field 'env' must be an array of strings");
        assert_refused("{\"op\":\"exec\",\"id\":\"e\",\"args\":[\"sh\"],\"cwd\":\"tmp\"}",
                       "field 'cwd' must be an absolute path");
        assert_refused("{\"op\":\"exec\",\"id\":\"e\",\"args\":[\"sh\"],\"tty\":1}", "field 'tty' must be a boolean");
        assert_refused("{\"op\":\"exec\",\"id\":\"e\",\"args\":[\"sh\"],\"user\":{\"uid\":0}}",
                       "field 'user.gid' must be an id");
        assert_refused("{\"op\":\"exec\",\"id\":\"e\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0,\"name\":\"x\"}}",
                       "field 'user' takes no field 'name'");
        assert_refused("{\"op\":\"exec\",\"id\":\"e\",\"args\":[\"sh\"],\"detach_keys\":\"ctrl-1\"}",
                       "detach keys 'ctrl-1': unknown key 'ctrl-1'");
        assert_refused("{\"op\":\"exec\",\"id\":\"e\",\"args\":[\"sh\"],\"detach_keys\":1}",
                       "field 'detach_keys' must be a string");
        assert_refused("{\"op\":\"exec-state\"}", "field 'id' is missing");
        assert_refused("{\"op\":\"resize\",\"rows\":1,\"cols\":1,\"exec\":7}",
                       "field 'exec' must be a string of 1 to 128 bytes");
}

static void test_replies(void **state) {
        _cleanup_free_ char *a = shim_exec_reply_started(42);
        _cleanup_free_ char *b = shim_exec_reply_state("e1", 42, -1);
        _cleanup_free_ char *c = shim_exec_reply_state("e1", 42, 3);
        _cleanup_free_ char *d = shim_exec_reply_exit("e1", 127);
        assert_string_equal(a, "{\"ok\":true,\"pid\":42}\n");
        assert_string_equal(b, "{\"ok\":true,\"id\":\"e1\",\"pid\":42,\"running\":true}\n");
        assert_string_equal(c, "{\"ok\":true,\"id\":\"e1\",\"pid\":42,\"running\":false,\"exit_code\":3}\n");
        assert_string_equal(d, "{\"ok\":true,\"event\":\"exec-exit\",\"id\":\"e1\",\"exit_code\":127}\n");
}

static void test_detach_keys_parse(void **state) {
        struct ctrd_error err = { 0 };
        struct shim_detach d;

        assert_int_equal(shim_detach_parse(NULL, &d, &err), 0);
        assert_int_equal(d.len, 2);
        assert_int_equal(d.keys[0], 0x10);
        assert_int_equal(d.keys[1], 0x11);
        assert_int_equal(shim_detach_parse("ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_,a,ctrl-a", &d, &err), 0);
        assert_memory_equal(d.keys, "\0\x1b\x1c\x1d\x1e\x1f" "a\x01", 8);
        assert_int_equal(d.len, 8);
        assert_int_equal(shim_detach_parse("ctrl-p,", &d, &err), -EINVAL);
        assert_string_equal(err.msg, "detach keys 'ctrl-p,': unknown key ''");
        assert_int_equal(shim_detach_parse("ctrl-1", &d, &err), -EINVAL);
        assert_int_equal(shim_detach_parse("alt-x", &d, &err), -EINVAL);
}

static void test_detach_keys_filter(void **state) {
        struct shim_detach d;
        char out[64];
        bool detach;
        size_t n;

        assert_int_equal(shim_detach_parse("ctrl-p,ctrl-q", &d, NULL), 0);
        /* A held ctrl-p that is not followed by ctrl-q goes through, in order. */
        n = shim_detach_filter(&d, "ab\x10", 3, out, &detach);
        assert_false(detach);
        assert_int_equal(n, 2);
        n = shim_detach_filter(&d, "c", 1, out, &detach);
        assert_false(detach);
        assert_memory_equal(out, "\x10" "c", 2);
        assert_int_equal(n, 2);
        /* ctrl-p ctrl-p ctrl-q: the first is data, the pair detaches (across reads). */
        n = shim_detach_filter(&d, "x\x10\x10", 3, out, &detach);
        assert_memory_equal(out, "x\x10", 2);
        assert_int_equal(n, 2);
        n = shim_detach_filter(&d, "\x11tail", 5, out, &detach);
        assert_true(detach);
        assert_int_equal(n, 0);
        /* Nothing held after a detach. */
        n = shim_detach_filter(&d, "z", 1, out, &detach);
        assert_false(detach);
        assert_int_equal(n, 1);
}

/* --- the monitor with a stand-in runtime ------------------------------------ */

struct fixture {
        char dir[64];
        char run_dir[96];
        int run_dir_fd;
        int signal_fd;
        struct shim_loop *loop;
        int out_pipe[2];
};

/* The stand-in: args run as a plain child on the given stdio; "missing" is not found. */
static int fake_exec(void *userdata, const struct shim_exec_request *req, const int stdio[3], pid_t *ret_pid,
                     int *ret_pty, struct ctrd_error *err) {
        if (strcmp(req->args[0], "missing") == 0)
                return ctrd_error_set(err, ENOENT, "exec missing: No such file or directory");
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                for (int i = 0; i < 3; i++)
                        dup2(stdio[i], i);
                execvp(req->args[0], req->args);
                _exit(127);
        }
        *ret_pid = pid;
        *ret_pty = -1;
        return 0;
}

static int fake_destroy(void *userdata, struct ctrd_error *err) {
        return 0;
}

static int setup(void **state) {
        struct fixture *f = calloc(1, sizeof(*f));
        snprintf(f->dir, sizeof(f->dir), "/tmp/test-shim-exec.XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        snprintf(f->run_dir, sizeof(f->run_dir), "%s/run", f->dir);
        assert_int_equal(mkdir(f->run_dir, 0700), 0);
        f->run_dir_fd = open(f->run_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        f->signal_fd = shim_signal_setup();
        assert_true(f->signal_fd >= 0);
        assert_int_equal(shim_loop_new(&f->loop), 0);
        assert_int_equal(pipe2(f->out_pipe, O_CLOEXEC), 0);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        struct fixture *f = *state;
        unlinkat(f->run_dir_fd, "exit", 0);
        rmdir(f->run_dir);
        rmdir(f->dir);
        close(f->run_dir_fd);
        close(f->signal_fd);
        shim_loop_free(f->loop);
        free(f);
        return 0;
}

/* The "container": sh -c script, its output on a pipe nobody reads. */
static struct shim_monitor *start(struct fixture *f, const char *script) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                dup2(f->out_pipe[1], 1);
                execl("/bin/sh", "sh", "-c", script, (char *) NULL);
                _exit(127);
        }
        close(f->out_pipe[1]);
        struct shim_monitor_config cfg = {
                .run_dir = f->run_dir, .run_dir_fd = f->run_dir_fd, .pid = pid, .signal_fd = f->signal_fd,
                .oom_fd = -1, .stdio = { .out = f->out_pipe[0], .err = -1, .in = -1, .pty = -1 },
                .ops = { .destroy = fake_destroy, .exec = fake_exec, .userdata = f },
        };
        struct shim_monitor *m = NULL;
        struct ctrd_error err = { 0 };
        assert_int_equal(shim_monitor_new(f->loop, &cfg, &m, &err), 0);
        return m;
}

/* Sends one request line on fd, with pass_fd as SCM_RIGHTS when >= 0. */
static void send_request(int fd, const char *line, int pass_fd) {
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } control = { 0 };
        struct iovec iov = { .iov_base = (char *) line, .iov_len = strlen(line) };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
        if (pass_fd >= 0) {
                msg.msg_control = &control;
                msg.msg_controllen = sizeof(control);
                struct cmsghdr *h = CMSG_FIRSTHDR(&msg);
                *h = (struct cmsghdr) { .cmsg_level = SOL_SOCKET, .cmsg_type = SCM_RIGHTS,
                                        .cmsg_len = CMSG_LEN(sizeof(int)) };
                memcpy(CMSG_DATA(h), &pass_fd, sizeof(int));
        }
        assert_int_equal(sendmsg(fd, &msg, 0), (ssize_t) strlen(line));
}

static int connect_run_dir(struct fixture *f) {
        int fd = ctrd_shim_connect(f->run_dir, NULL);
        assert_true(fd >= 0);
        return fd;
}

/* Every reply queued on fd, one per line, in the order they came. */
static void read_replies(int fd, char *buf, size_t size) {
        size_t len = 0;
        ssize_t n;
        while (len < size - 1 && (n = recv(fd, buf + len, size - 1 - len, MSG_DONTWAIT)) > 0)
                len += (size_t) n;
        buf[len] = '\0';
}

/* Reads frames from fd until EOF: stdout into out, stderr into errs. */
static void read_frames(int fd, char *out, char *errs, size_t size) {
        _cleanup_(shim_buf_done) struct shim_buf b = { 0 };
        char buf[4096];
        ssize_t n;
        size_t off = 0;

        while ((n = read(fd, buf, sizeof(buf))) > 0)
                assert_int_equal(shim_buf_append(&b, buf, (size_t) n), 0);
        out[0] = errs[0] = '\0';
        while (off + SHIM_FRAME_HEADER_SIZE <= b.len) {
                enum shim_stream st;
                uint32_t len;
                assert_int_equal(shim_frame_parse((uint8_t *) b.data + off, &st, &len), 0);
                assert_true(off + SHIM_FRAME_HEADER_SIZE + len <= b.len && len < size);
                char *dst = st == SHIM_STREAM_STDERR ? errs : out;
                strncat(dst, b.data + off + SHIM_FRAME_HEADER_SIZE, len);
                off += SHIM_FRAME_HEADER_SIZE + len;
        }
        assert_int_equal(off, b.len);
}

static void test_exec_streams_and_reports(void **state) {
        struct fixture *f = *state;
        struct shim_monitor *m = start(f, "sleep 0.5");
        char replies[2048], out[256], errs[256];
        int sp[2];

        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
        int fd = connect_run_dir(f);
        /* stdin reaches the process and the client's half-close ends it; frames per stream. */
        send_request(fd, "{\"op\":\"exec\",\"id\":\"e1\",\"stdin\":true,"
                         "\"args\":[\"sh\",\"-c\",\"cat; echo err >&2; exit 3\"]}", sp[1]);
        send_request(fd, "{\"op\":\"exec-wait\",\"id\":\"e1\"}", -1);
        close(sp[1]);
        assert_int_equal(write(sp[0], "ping\n", 5), 5);
        assert_int_equal(shutdown(sp[0], SHUT_WR), 0);

        assert_int_equal(shim_monitor_run(m), 0);
        shim_monitor_free(m);

        read_replies(fd, replies, sizeof(replies));
        assert_non_null(strstr(replies, "{\"ok\":true,\"pid\":"));
        assert_non_null(strstr(replies, "}\n{\"ok\":true,\"event\":\"exec-exit\",\"id\":\"e1\",\"exit_code\":3}\n"));
        read_frames(sp[0], out, errs, sizeof(out));
        assert_string_equal(out, "ping\n");
        assert_string_equal(errs, "err\n");
        close(sp[0]);
        close(fd);
}

static void test_exec_refusals(void **state) {
        struct fixture *f = *state;
        struct shim_monitor *m = start(f, "sleep 0.3");
        char replies[2048];
        int p[2];

        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        int fd = connect_run_dir(f);
        send_request(fd, "{\"op\":\"exec\",\"id\":\"e1\",\"args\":[\"sleep\",\"0.1\"]}", -1);
        send_request(fd, "{\"op\":\"exec\",\"id\":\"e1\",\"args\":[\"true\"]}", -1);
        send_request(fd, "{\"op\":\"resize\",\"rows\":1,\"cols\":1,\"exec\":\"e1\"}", -1);
        send_request(fd, "{\"op\":\"exec\",\"id\":\"e2\",\"args\":[\"true\"]}", p[0]);
        send_request(fd, "{\"op\":\"exec-state\",\"id\":\"e2\"}", -1);

        assert_int_equal(shim_monitor_run(m), 0);
        shim_monitor_free(m);

        /* One connection's replies come in order (no exec-wait is pending on it). */
        read_replies(fd, replies, sizeof(replies));
        const char *rest = strchr(replies, '\n') + 1;
        assert_true(strncmp(replies, "{\"ok\":true,\"pid\":", 17) == 0);
        assert_string_equal(rest,
                "{\"ok\":false,\"error\":\"exec 'e1' exists already\",\"errno\":17}\n"
                "{\"ok\":false,\"error\":\"exec 'e1' has no terminal\",\"errno\":25}\n"
                "{\"ok\":false,\"error\":\"the exec's client fd is not a stream socket\",\"errno\":88}\n"
                "{\"ok\":false,\"error\":\"no exec 'e2'\",\"errno\":2}\n");
        close(p[0]);
        close(p[1]);
        close(fd);
}

static void test_failed_start_and_container_exit(void **state) {
        struct fixture *f = *state;
        struct shim_monitor *m = start(f, "sleep 0.3");
        char replies[2048], out[256], errs[256];
        int sp[2], lp[2];

        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, lp), 0);
        int fd = connect_run_dir(f);
        send_request(fd, "{\"op\":\"exec\",\"id\":\"bad\",\"args\":[\"missing\"]}", sp[1]);
        send_request(fd, "{\"op\":\"exec-state\",\"id\":\"bad\"}", -1);
        /* Outlives the container: killed with it, its end reported. */
        send_request(fd, "{\"op\":\"exec\",\"id\":\"long\",\"args\":[\"sleep\",\"30\"]}", lp[1]);
        send_request(fd, "{\"op\":\"exec-wait\",\"id\":\"long\"}", -1);
        close(sp[1]);
        close(lp[1]);

        assert_int_equal(shim_monitor_run(m), 0);
        shim_monitor_free(m);

        read_replies(fd, replies, sizeof(replies));
        assert_non_null(strstr(replies,
                "{\"ok\":false,\"error\":\"exec missing: No such file or directory\",\"errno\":2}\n"
                "{\"ok\":true,\"id\":\"bad\",\"pid\":0,\"running\":false,\"exit_code\":127}\n"
                "{\"ok\":true,\"pid\":"));
        /* The reason is in the client's stream too, on stderr. */
        read_frames(sp[0], out, errs, sizeof(out));
        assert_string_equal(out, "");
        assert_string_equal(errs, "exec missing: No such file or directory\n");
        assert_non_null(strstr(replies, "}\n{\"ok\":true,\"event\":\"exec-exit\",\"id\":\"long\",\"exit_code\":137}\n"));
        /* Its stream ended too (read_frames reads to EOF). */
        read_frames(lp[0], out, errs, sizeof(out));
        assert_string_equal(out, "");
        close(sp[0]);
        close(lp[0]);
        close(fd);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_exec),
                cmocka_unit_test(test_parse_errors_name_the_field),
                cmocka_unit_test(test_replies),
                cmocka_unit_test(test_detach_keys_parse),
                cmocka_unit_test(test_detach_keys_filter),
                cmocka_unit_test_setup_teardown(test_exec_streams_and_reports, setup, teardown),
                cmocka_unit_test_setup_teardown(test_exec_refusals, setup, teardown),
                cmocka_unit_test_setup_teardown(test_failed_start_and_container_exit, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
