/* Unit tests for ctrctl's stream splitting: Docker frames and JSON lines. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
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

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_demux_whole),
                cmocka_unit_test(test_demux_byte_by_byte),
                cmocka_unit_test(test_demux_errors),
                cmocka_unit_test(test_lines),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
