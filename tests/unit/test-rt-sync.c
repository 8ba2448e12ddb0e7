/* Unit tests for the parent/child sync channel (shim/runtime/sync.c). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "shim/runtime/sync.h"

static int pair[2];

static int setup(void **state) {
        return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair);
}

static int teardown(void **state) {
        close(pair[0]);
        close(pair[1]);
        return 0;
}

static void test_phases_in_order(void **state) {
        struct ctrd_error err = { 0 };
        assert_int_equal(rt_sync_send(pair[0], RT_SYNC_GO, -1), 0);
        assert_int_equal(rt_sync_expect(pair[1], RT_SYNC_GO, NULL, &err), 0);
        /* The wrong phase is a protocol error that names both. */
        assert_int_equal(rt_sync_send(pair[1], RT_SYNC_EXEC, -1), 0);
        assert_int_equal(rt_sync_expect(pair[0], RT_SYNC_PTY, NULL, &err), -EPROTO);
        assert_string_equal(err.msg, "sync: got 'exec' while waiting for 'pty'");
}

static void test_error_carries_step_path_errno(void **state) {
        struct ctrd_error err = { 0 };
        rt_sync_send_error(pair[1], "mount", "/proc", ENOENT);
        assert_int_equal(rt_sync_expect(pair[0], RT_SYNC_EXEC, NULL, &err), -ENOENT);
        assert_string_equal(err.msg, "mount /proc: No such file or directory");
        rt_sync_send_error(pair[1], "setsid", "", EPERM);
        assert_int_equal(rt_sync_expect(pair[0], RT_SYNC_EXEC, NULL, &err), -EPERM);
        assert_string_equal(err.msg, "setsid: Operation not permitted");
}

static void test_fd_passing(void **state) {
        struct ctrd_error err = { 0 };
        int p[2], fd = -1;
        char c = 0;
        assert_int_equal(pipe(p), 0);
        assert_int_equal(rt_sync_send(pair[1], RT_SYNC_PTY, p[1]), 0);
        close(p[1]);
        assert_int_equal(rt_sync_expect(pair[0], RT_SYNC_PTY, &fd, &err), 0);
        assert_true(fd >= 0);
        assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
        assert_int_equal(write(fd, "x", 1), 1);
        assert_int_equal(read(p[0], &c, 1), 1);
        assert_int_equal(c, 'x');
        close(fd);
        close(p[0]);
}

static void test_eof_means_peer_gone(void **state) {
        struct ctrd_error err = { 0 };
        struct rt_sync_msg msg;
        int sv[2];
        assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
        close(sv[1]);
        assert_int_equal(rt_sync_recv(sv[0], &msg, NULL), 0);
        assert_int_equal(rt_sync_expect(sv[0], RT_SYNC_GO, NULL, &err), -EPIPE);
        assert_string_equal(err.msg, "sync: the other side exited before 'go'");
        close(sv[0]);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_phases_in_order),
                cmocka_unit_test(test_error_carries_step_path_errno),
                cmocka_unit_test(test_fd_passing),
                cmocka_unit_test(test_eof_means_peer_gone),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
