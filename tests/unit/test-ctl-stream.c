/* Unit tests for ctrctl's stream splitting: Docker frames and JSON lines. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "stream.h"

struct sink {
        char out[256], err[256];
        size_t out_len, err_len;
        int lines;
        char last[64];
};

static int on_frame(void *userdata, int stream, const char *data, size_t len) {
        struct sink *s = userdata;
        char *buf = stream == 2 ? s->err : s->out;
        size_t *n = stream == 2 ? &s->err_len : &s->out_len;
        assert_true(*n + len < sizeof(s->out));
        memcpy(buf + *n, data, len);
        *n += len;
        buf[*n] = '\0';
        return 0;
}

/* The traced logs body: stderr "err 7\n", then stdout "out 7\n", as 8-byte headers + payloads. */
static const char frames[] = "\x02\x00\x00\x00\x00\x00\x00\x06" "err 7\n"
                             "\x01\x00\x00\x00\x00\x00\x00\x06" "out 7\n";

static void test_demux_whole(void **state) {
        struct sink s = { 0 };
        struct ctl_demux d;
        ctl_demux_init(&d, on_frame, &s);
        assert_int_equal(ctl_demux_feed(&d, frames, sizeof(frames) - 1), 0);
        assert_int_equal(ctl_demux_finish(&d), 0);
        assert_string_equal(s.out, "out 7\n");
        assert_string_equal(s.err, "err 7\n");
}

static void test_demux_byte_by_byte(void **state) {
        struct sink s = { 0 };
        struct ctl_demux d;
        ctl_demux_init(&d, on_frame, &s);
        for (size_t i = 0; i < sizeof(frames) - 1; i++)
                assert_int_equal(ctl_demux_feed(&d, frames + i, 1), 0);
        assert_int_equal(ctl_demux_finish(&d), 0);
        assert_string_equal(s.out, "out 7\n");
        assert_string_equal(s.err, "err 7\n");
}

static void test_demux_errors(void **state) {
        struct sink s = { 0 };
        struct ctl_demux d;
        ctl_demux_init(&d, on_frame, &s);
        assert_int_equal(ctl_demux_feed(&d, "\x01\x00\x00\x00\x00\x00\x00\x05" "ab", 10), 0);
        assert_int_equal(ctl_demux_finish(&d), -EPROTO);        /* cut short */
        ctl_demux_init(&d, on_frame, &s);
        assert_int_equal(ctl_demux_feed(&d, "\x03\x00\x00\x00\x00\x00\x00\x04" "boom", 12), 0);
        assert_int_equal(ctl_demux_finish(&d), -EPROTO);
        assert_string_equal(d.sys_error, "boom");
        ctl_demux_init(&d, on_frame, &s);
        assert_int_equal(ctl_demux_feed(&d, "\x07\x00\x00\x00\x00\x00\x00\x01" "x", 9), -EPROTO);
}

static int on_line(void *userdata, const char *line, size_t len) {
        struct sink *s = userdata;
        s->lines++;
        snprintf(s->last, sizeof(s->last), "%.*s", (int) len, line);
        return 0;
}

static void test_lines(void **state) {
        struct sink s = { 0 };
        struct ctl_lines l;
        ctl_lines_init(&l, on_line, &s);
        assert_int_equal(ctl_lines_feed(&l, "{\"a\":", 5), 0);
        assert_int_equal(s.lines, 0);
        assert_int_equal(ctl_lines_feed(&l, "1}\n\n{\"b\"", 8), 0);
        assert_int_equal(s.lines, 1);
        assert_string_equal(s.last, "{\"a\":1}");
        assert_int_equal(ctl_lines_feed(&l, ":2}\n", 4), 0);
        assert_int_equal(s.lines, 2);
        assert_string_equal(s.last, "{\"b\":2}");
        ctl_lines_done(&l);
}

/*
 * A one-shot server on a Unix socket: reads the request up to its blank line,
 * checks it asked for an upgrade, answers with reply and closes.
 */
static pid_t serve_once(const char *path, const char *reply, size_t reply_len) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
        int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        assert_true(lfd >= 0);
        assert_int_equal(bind(lfd, (struct sockaddr *) &sa, sizeof(sa)), 0);
        assert_int_equal(listen(lfd, 1), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                char req[4096] = { 0 };
                size_t len = 0;
                int fd = accept(lfd, NULL, NULL);
                while (fd >= 0 && len < sizeof(req) - 1 && !strstr(req, "\r\n\r\n")) {
                        ssize_t n = read(fd, req + len, sizeof(req) - 1 - len);
                        if (n <= 0)
                                break;
                        len += (size_t) n;
                }
                bool upgrade = strstr(req, "POST /v1.41/containers/x/attach?stream=1 HTTP/1.1\r\n") &&
                               strstr(req, "\r\nUpgrade: tcp\r\n") && strstr(req, "\r\nConnection: Upgrade\r\n");
                if (upgrade && write(fd, reply, reply_len) != (ssize_t) reply_len)
                        _exit(2);
                _exit(upgrade ? 0 : 1);
        }
        close(lfd);
        return pid;
}

static void test_hijack(void **state) {
        char dir[] = "/tmp/test-ctl-hijack.XXXXXX", path[64], host[80];
        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/s", dir);
        snprintf(host, sizeof(host), "unix://%s", path);
        /* The 101, then a frame that arrives in the same read as the headers. */
        static const char reply[] = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: tcp\r\n\r\n"
                                    "\x01\x00\x00\x00\x00\x00\x00\x03hi\n";
        pid_t pid = serve_once(path, reply, sizeof(reply) - 1);
        struct ctl_client c;
        assert_int_equal(ctl_client_init(&c, host, false), 0);
        int fd = -1;
        char *extra = NULL;
        size_t extra_len = 0;
        assert_int_equal(ctl_hijack(&c, "/containers/x/attach?stream=1", &fd, &extra, &extra_len), 0);
        assert_int_equal(extra_len, 11);
        assert_memory_equal(extra, "\x01\x00\x00\x00\x00\x00\x00\x03hi\n", 11);
        char b;
        assert_int_equal(read(fd, &b, 1), 0);   /* the server closed: end of stream */
        close(fd);
        free(extra);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_int_equal(WEXITSTATUS(status), 0);
        unlink(path);

        /* Anything but a 101 is the daemon's error: -ENOENT for a 404. */
        static const char notfound[] = "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
                                       "Content-Length: 36\r\n\r\n{\"message\":\"No such container: x\"}\n";
        pid = serve_once(path, notfound, sizeof(notfound) - 1);
        assert_int_equal(ctl_hijack(&c, "/containers/x/attach?stream=1", &fd, &extra, &extra_len), -ENOENT);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_int_equal(WEXITSTATUS(status), 0);
        unlink(path);

        /* Nobody listening. */
        assert_int_equal(ctl_hijack(&c, "/containers/x/attach?stream=1", &fd, &extra, &extra_len),
                         -ECONNREFUSED);
        ctl_client_done(&c);
        rmdir(dir);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_demux_whole),
                cmocka_unit_test(test_demux_byte_by_byte),
                cmocka_unit_test(test_demux_errors),
                cmocka_unit_test(test_lines),
                cmocka_unit_test(test_hijack),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
