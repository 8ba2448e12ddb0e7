/*
 * Unit tests for the shim protocol's pure parts: control requests and
 * replies, multiplexed frame headers, the exit file round trip through
 * lib/shim-client, the start line and the daemon command line.
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
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "cleanup.h"
#include "control-proto.h"
#include "monitor-args.h"
#include "monitor-exit.h"
#include "shim-client.h"
#include "stdio-frame.h"

static int parse(const char *s, struct shim_request *req, struct ctrd_error *err) {
        return shim_request_parse(s, strlen(s), req, err);
}

static void test_request_ops(void **state) {
        struct shim_request req;
        assert_int_equal(parse("{\"op\":\"state\"}\n", &req, NULL), 0);
        assert_int_equal(req.op, SHIM_OP_STATE);
        assert_int_equal(parse("{\"op\":\"wait\"}", &req, NULL), 0);
        assert_int_equal(req.op, SHIM_OP_WAIT);
        assert_int_equal(parse("{\"op\":\"signal\",\"signo\":15}", &req, NULL), 0);
        assert_int_equal(req.op, SHIM_OP_SIGNAL);
        assert_int_equal(req.signo, 15);
        assert_int_equal(parse("{\"op\":\"resize\",\"rows\":30,\"cols\":100}", &req, NULL), 0);
        assert_int_equal(req.rows, 30);
        assert_int_equal(req.cols, 100);
}

static void test_request_attach_defaults(void **state) {
        struct shim_request req;
        assert_int_equal(parse("{\"op\":\"attach\",\"stdout\":true}", &req, NULL), 0);
        assert_int_equal(req.op, SHIM_OP_ATTACH);
        assert_false(req.in);
        assert_true(req.out);
        assert_false(req.err);
        assert_true(req.stdin_once);
        assert_int_equal(parse("{\"op\":\"attach\",\"stdin\":true,\"stdin_once\":false}", &req, NULL), 0);
        assert_true(req.in);
        assert_false(req.stdin_once);
}

static void expect_error(const char *req_text, int code, const char *msg) {
        struct shim_request req;
        struct ctrd_error err = { 0 };
        assert_int_equal(parse(req_text, &req, &err), -code);
        assert_string_equal(err.msg, msg);
}

static void test_request_errors_name_the_field(void **state) {
        expect_error("{\"op\":\"fly\"}", EINVAL, "unknown op 'fly'");
        expect_error("{}", EINVAL, "field 'op' is missing");
        expect_error("{\"op\":7}", EINVAL, "field 'op' must be a string");
        expect_error("{\"op\":\"signal\"}", EINVAL, "field 'signo' is missing");
        expect_error("{\"op\":\"signal\",\"signo\":\"TERM\"}", EINVAL, "field 'signo' must be an integer");
        expect_error("{\"op\":\"signal\",\"signo\":0}", ERANGE, "field 'signo' is 0, not in [1, 64]");
        expect_error("{\"op\":\"resize\",\"rows\":1,\"cols\":70000}", ERANGE,
                     "field 'cols' is 70000, not in [0, 65535]");
        expect_error("{\"op\":\"attach\",\"stdin\":1}", EINVAL, "field 'stdin' must be a boolean");
        expect_error("{\"op\":\"state\",\"signo\":1}", EINVAL, "op 'state' takes no field 'signo'");
        expect_error("{\"op\":\"signal\",\"signo\":1,\"sig\":2}", EINVAL, "op 'signal' takes no field 'sig'");
        expect_error("[1]", EINVAL, "request is not a JSON object");
}

static void test_request_not_json(void **state) {
        struct shim_request req;
        struct ctrd_error err = { 0 };
        assert_int_equal(parse("{\"op\":", &req, &err), -EINVAL);
        assert_true(strncmp(err.msg, "request is not JSON: ", 21) == 0);
        assert_int_equal(parse("{\"op\":\"state\",\"op\":\"wait\"}", &req, &err), -EINVAL);
}

static const struct shim_status exited_status = {
        .pid = 42, .exited = true, .exit_code = 137, .signal = 9, .oom_killed = true,
        .started_at = "2026-11-29T00:18:11.000000001Z",
        .finished_at = "2026-11-29T00:18:12.473318136Z",
};

static void test_replies(void **state) {
        struct ctrd_error e = { .code = ESRCH, .msg = "the container has exited" };
        _cleanup_free_ char *ok = shim_reply_ok(), *er = shim_reply_error(&e);
        assert_string_equal(ok, "{\"ok\":true}\n");
        assert_string_equal(er, "{\"ok\":false,\"error\":\"the container has exited\",\"errno\":3}\n");

        struct shim_status running = { .pid = 42, .started_at = "2026-11-29T00:18:11.000000001Z" };
        _cleanup_free_ char *st = shim_reply_state(&running);
        assert_string_equal(st, "{\"ok\":true,\"pid\":42,\"status\":\"running\","
                                "\"started_at\":\"2026-11-29T00:18:11.000000001Z\"}\n");
        _cleanup_free_ char *ex = shim_reply_exit(&exited_status);
        assert_string_equal(ex, "{\"ok\":true,\"event\":\"exit\",\"exit_code\":137,\"signal\":9,"
                                "\"finished_at\":\"2026-11-29T00:18:12.473318136Z\",\"oom_killed\":true}\n");
}

static void test_frame_headers(void **state) {
        uint8_t h[SHIM_FRAME_HEADER_SIZE];
        enum shim_stream s;
        uint32_t len;

        shim_frame_header(h, SHIM_STREAM_STDOUT, 3);
        assert_memory_equal(h, "\x01\x00\x00\x00\x00\x00\x00\x03", 8);
        shim_frame_header(h, SHIM_STREAM_STDERR, 0x01020304);
        assert_memory_equal(h, "\x02\x00\x00\x00\x01\x02\x03\x04", 8);
        assert_int_equal(shim_frame_parse(h, &s, &len), 0);
        assert_int_equal(s, SHIM_STREAM_STDERR);
        assert_int_equal(len, 0x01020304);
        assert_int_equal(shim_frame_parse((const uint8_t *) "\x03\x00\x00\x00\x00\x00\x00\x01", &s, &len), -EINVAL);
        assert_int_equal(shim_frame_parse((const uint8_t *) "\x01\x00\x01\x00\x00\x00\x00\x01", &s, &len), -EINVAL);
}

static void test_exit_status_from_wait(void **state) {
        struct shim_status st = { 0 };
        shim_status_set_exited(&st, 3 << 8);            /* exited with 3 */
        assert_true(st.exited);
        assert_int_equal(st.exit_code, 3);
        assert_int_equal(st.signal, 0);
        assert_int_equal(strlen(st.finished_at), 30);
        shim_status_set_exited(&st, SIGKILL);           /* killed by SIGKILL */
        assert_int_equal(st.exit_code, 137);
        assert_int_equal(st.signal, SIGKILL);
}

static void test_exit_file_round_trip(void **state) {
        char dir[] = "/tmp/test-shim-control.XXXXXX";
        struct ctrd_shim_exit e;
        struct ctrd_error err = { 0 };

        assert_non_null(mkdtemp(dir));
        assert_int_equal(ctrd_shim_read_exit(dir, &e, &err), -ENOENT);
        assert_int_equal(shim_exit_file_write(dir, &exited_status, &err), 0);
        assert_int_equal(ctrd_shim_read_exit(dir, &e, &err), 0);
        assert_int_equal(e.exit_code, 137);
        assert_int_equal(e.signal, 9);
        assert_true(e.oom_killed);
        assert_string_equal(e.finished_at, exited_status.finished_at);

        _cleanup_free_ char *path = NULL;
        assert_true(asprintf(&path, "%s/exit", dir) > 0);
        unlink(path);
        rmdir(dir);
        assert_int_equal(ctrd_shim_parse_exit("{\"exit_code\":1}", 15, &e, &err), -EPROTO);
}

static void test_start_line(void **state) {
        pid_t pid = 0;
        struct ctrd_error err = { 0 };
        const char ok[] = "{\"pid\":1234}\n";
        const char bad[] = "{\"error\":\"exec: 'nosuch': executable file not found in $PATH: No such file or directory\",\"errno\":2}\n";

        assert_int_equal(ctrd_shim_parse_start(ok, sizeof(ok) - 1, &pid, &err), 0);
        assert_int_equal(pid, 1234);
        assert_int_equal(ctrd_shim_parse_start(bad, sizeof(bad) - 1, &pid, &err), -ENOENT);
        assert_non_null(strstr(err.msg, "executable file not found"));
        assert_int_equal(ctrd_shim_parse_start("{}", 2, &pid, &err), -EPROTO);
}

static void test_args(void **state) {
        struct shim_daemon_args a;
        struct ctrd_error err = { 0 };
        int fd = open("/dev/null", O_RDONLY);
        char fdarg[32], attach[48];
        snprintf(fdarg, sizeof(fdarg), "%d", fd);
        snprintf(attach, sizeof(attach), "%d:stdin,stderr", fd);
        char *argv[] = { "daemon", "--bundle", "/b", "--id", "c1", "--run-dir", "/r", "--log-path", "/l",
                         "--log-max-size", "1000", "--log-max-files", "3", "--stdin", "--sync-fd", fdarg,
                         "--attach", attach, NULL };
        assert_int_equal(shim_daemon_args_parse(18, argv, &a, &err), 0);
        assert_string_equal(a.bundle, "/b");
        assert_string_equal(a.id, "c1");
        assert_string_equal(a.run_dir, "/r");
        assert_string_equal(a.log_path, "/l");
        assert_int_equal(a.log_max_size, 1000);
        assert_int_equal(a.log_max_files, 3);
        assert_true(a.open_stdin);
        assert_int_equal(a.sync_fd, fd);
        assert_int_equal(a.n_attach, 1);
        assert_int_equal(a.attach[0].fd, fd);
        assert_true(a.attach[0].opts.in && !a.attach[0].opts.out && a.attach[0].opts.err);

        char *missing[] = { "daemon", "--bundle", "/b", NULL };
        assert_int_equal(shim_daemon_args_parse(3, missing, &a, &err), -EINVAL);
        assert_string_equal(err.msg, "--bundle, --id and --run-dir are required");
        char *badfd[] = { "daemon", "--sync-fd", "999", NULL };
        assert_int_equal(shim_daemon_args_parse(3, badfd, &a, &err), -EBADF);
        assert_string_equal(err.msg, "--sync-fd: fd 999: Bad file descriptor");
        char *unknown[] = { "daemon", "--frobnicate", NULL };
        assert_int_equal(shim_daemon_args_parse(2, unknown, &a, &err), -EINVAL);
        assert_string_equal(err.msg, "unknown option or missing value: '--frobnicate'");
        close(fd);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_request_ops),
                cmocka_unit_test(test_request_attach_defaults),
                cmocka_unit_test(test_request_errors_name_the_field),
                cmocka_unit_test(test_request_not_json),
                cmocka_unit_test(test_replies),
                cmocka_unit_test(test_frame_headers),
                cmocka_unit_test(test_exit_status_from_wait),
                cmocka_unit_test(test_exit_file_round_trip),
                cmocka_unit_test(test_start_line),
                cmocka_unit_test(test_args),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
