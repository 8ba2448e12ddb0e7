/* Unit tests for the shim's json-file log: record encoding, line splitting, rotation. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "cleanup.h"
#include "fs-util.h"
#include "logfile-json.h"
#include "logfile-split.h"
#include "logfile-writer.h"

#define T "2026-11-29T00:18:11.473318136Z"

static char *encode(enum shim_stream s, const char *data, size_t len) {
        struct shim_buf b = { 0 };
        assert_int_equal(shim_logjson_encode(&b, s, data, len, T), 0);
        assert_int_equal(shim_buf_append(&b, "", 1), 0);
        return b.data;
}

static void test_encode_plain_line(void **state) {
        _cleanup_free_ char *s = encode(SHIM_STREAM_STDOUT, "hi\n", 3);
        assert_string_equal(s, "{\"log\":\"hi\\n\",\"stream\":\"stdout\",\"time\":\"" T "\"}\n");
}

static void test_encode_escapes_like_go(void **state) {
        const char in[] = "q\"b\\<a&>\t\r\x01\x7f";
        _cleanup_free_ char *s = encode(SHIM_STREAM_STDERR, in, sizeof(in) - 1);
        assert_string_equal(s, "{\"log\":\"q\\\"b\\\\\\u003ca\\u0026\\u003e\\t\\r\\u0001\x7f\","
                               "\"stream\":\"stderr\",\"time\":\"" T "\"}\n");
}

static void test_encode_utf8(void **state) {
        /* Valid multi-byte text passes through; invalid bytes and a cut sequence become U+FFFD. */
        const char in[] = "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80|\xff|\xc0\xaf|\xe2\x80\xa8|\xe2\x82";
        _cleanup_free_ char *s = encode(SHIM_STREAM_STDOUT, in, sizeof(in) - 1);
        assert_non_null(strstr(s, "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80|\\ufffd|\\ufffd\\ufffd|\\u2028|\\ufffd\\ufffd\""));
        /* Whatever the bytes, the record is valid JSON that jansson reads back. */
        json_error_t jerr;
        json_t *o = json_loads(s, 0, &jerr);
        assert_non_null(o);
        json_decref(o);
}

static void test_encode_nul_and_invalid_stream(void **state) {
        _cleanup_free_ char *s = encode(SHIM_STREAM_STDOUT, "a\0b", 3);
        assert_non_null(strstr(s, "\"a\\u0000b\""));
        struct shim_buf b = { 0 };
        assert_int_equal(shim_logjson_encode(&b, (enum shim_stream) 7, "x", 1, T), -EINVAL);
        assert_int_equal(b.len, 0);
        shim_buf_done(&b);
}

struct collected {
        char *msgs[16];
        size_t lens[16];
        size_t n;
};

static int collect(const char *msg, size_t len, void *userdata) {
        struct collected *c = userdata;
        assert_true(c->n < 16);
        c->msgs[c->n] = malloc(len + 1);
        memcpy(c->msgs[c->n], msg, len);
        c->msgs[c->n][len] = '\0';
        c->lens[c->n++] = len;
        return 0;
}

static void collected_free(struct collected *c) {
        for (size_t i = 0; i < c->n; i++)
                free(c->msgs[i]);
}

static void test_split_lines_and_partials(void **state) {
        struct shim_linesplit s = { 0 };
        struct collected c = { 0 };

        assert_int_equal(shim_linesplit_feed(&s, "a\nb", 3, collect, &c), 0);
        assert_int_equal(c.n, 1);
        assert_string_equal(c.msgs[0], "a\n");
        /* "b" waits for the rest of its line. */
        assert_int_equal(shim_linesplit_feed(&s, "c\nd\n", 4, collect, &c), 0);
        assert_int_equal(c.n, 3);
        assert_string_equal(c.msgs[1], "bc\n");
        assert_string_equal(c.msgs[2], "d\n");
        assert_int_equal(shim_linesplit_feed(&s, "tail", 4, collect, &c), 0);
        assert_int_equal(c.n, 3);
        assert_int_equal(shim_linesplit_flush(&s, collect, &c), 0);
        assert_int_equal(c.n, 4);
        assert_string_equal(c.msgs[3], "tail");
        shim_linesplit_done(&s);
        collected_free(&c);
}

static void test_split_long_line_at_16k(void **state) {
        struct shim_linesplit s = { 0 };
        struct collected c = { 0 };
        size_t n = 2 * SHIM_LOG_LINE_MAX + 100;
        _cleanup_free_ char *line = malloc(n + 1);
        memset(line, 'x', n);
        line[n] = '\n';

        /* Fed in two uneven pieces, as a pipe might deliver it. */
        assert_int_equal(shim_linesplit_feed(&s, line, 5000, collect, &c), 0);
        assert_int_equal(shim_linesplit_feed(&s, line + 5000, n + 1 - 5000, collect, &c), 0);
        assert_int_equal(c.n, 3);
        assert_int_equal(c.lens[0], SHIM_LOG_LINE_MAX);
        assert_int_equal(c.lens[1], SHIM_LOG_LINE_MAX);
        assert_int_equal(c.lens[2], 101);
        assert_int_equal(c.msgs[0][SHIM_LOG_LINE_MAX - 1], 'x');
        assert_string_equal(c.msgs[2] + 100, "\n");
        shim_linesplit_done(&s);
        collected_free(&c);
}

static void test_split_exact_16k_line(void **state) {
        struct shim_linesplit s = { 0 };
        struct collected c = { 0 };
        _cleanup_free_ char *line = malloc(SHIM_LOG_LINE_MAX);
        memset(line, 'y', SHIM_LOG_LINE_MAX - 1);
        line[SHIM_LOG_LINE_MAX - 1] = '\n';

        /* A line of exactly 16 KiB with its newline is one whole message. */
        assert_int_equal(shim_linesplit_feed(&s, line, SHIM_LOG_LINE_MAX, collect, &c), 0);
        assert_int_equal(c.n, 1);
        assert_int_equal(c.lens[0], SHIM_LOG_LINE_MAX);
        shim_linesplit_done(&s);
        collected_free(&c);
}

static char *read_text(const char *path) {
        char *s = NULL;
        if (ctrd_read_file(path, 1 << 20, &s, NULL, NULL) < 0)
                return NULL;
        return s;
}

static size_t count_lines(const char *s) {
        size_t n = 0;
        for (; s && *s; s++)
                n += *s == '\n';
        return n;
}

static void test_writer_streams_and_rotation(void **state) {
        char dir[] = "/tmp/test-shim-logfile.XXXXXX";
        assert_non_null(mkdtemp(dir));
        _cleanup_free_ char *path = NULL, *p1 = NULL, *p2 = NULL, *p3 = NULL;
        assert_true(asprintf(&path, "%s/log", dir) > 0);
        assert_true(asprintf(&p1, "%s/log.1", dir) > 0);
        assert_true(asprintf(&p2, "%s/log.2", dir) > 0);
        assert_true(asprintf(&p3, "%s/log.3", dir) > 0);

        /* Each record is about 80 bytes: 200 bytes hold two of them. */
        struct shim_logfile_opts o = { .path = path, .max_size = 200, .max_files = 3 };
        struct shim_logfile *lf = NULL;
        struct ctrd_error err = { 0 };
        assert_int_equal(shim_logfile_open(&o, &lf, &err), 0);
        for (int i = 0; i < 9; i++) {
                char line[16];
                int n = snprintf(line, sizeof(line), "line %d\n", i);
                assert_int_equal(shim_logfile_feed(lf, i % 2 ? SHIM_STREAM_STDERR : SHIM_STREAM_STDOUT,
                                                   line, (size_t) n, &err), 0);
        }
        assert_int_equal(shim_logfile_feed(lf, SHIM_STREAM_STDOUT, "no newline", 10, &err), 0);
        assert_int_equal(shim_logfile_flush(lf, SHIM_STREAM_STDOUT, &err), 0);
        shim_logfile_free(lf);

        _cleanup_free_ char *cur = read_text(path), *old1 = read_text(p1), *old2 = read_text(p2);
        assert_non_null(cur);
        assert_non_null(old1);
        assert_non_null(old2);
        assert_int_equal(access(p3, F_OK), -1);         /* max_files 3: log, log.1, log.2 */
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_true(st.st_size <= 200);
        assert_int_equal(count_lines(cur), 2);
        assert_non_null(strstr(cur, "\"log\":\"line 8\\n\",\"stream\":\"stdout\""));
        assert_non_null(strstr(cur, "\"log\":\"no newline\",\"stream\":\"stdout\""));
        assert_non_null(strstr(old1, "\"log\":\"line 7\\n\",\"stream\":\"stderr\""));
        assert_non_null(strstr(old2, "\"log\":\"line 4\\n\""));

        unlink(path);
        unlink(p1);
        unlink(p2);
        rmdir(dir);
}

static void test_writer_single_file_truncates(void **state) {
        char dir[] = "/tmp/test-shim-logfile.XXXXXX";
        assert_non_null(mkdtemp(dir));
        _cleanup_free_ char *path = NULL, *p1 = NULL;
        assert_true(asprintf(&path, "%s/log", dir) > 0);
        assert_true(asprintf(&p1, "%s/log.1", dir) > 0);
        struct shim_logfile_opts o = { .path = path, .max_size = 100, .max_files = 1 };
        struct shim_logfile *lf = NULL;
        assert_int_equal(shim_logfile_open(&o, &lf, NULL), 0);
        assert_int_equal(shim_logfile_feed(lf, SHIM_STREAM_STDOUT, "first\nsecond\n", 13, NULL), 0);
        shim_logfile_free(lf);
        _cleanup_free_ char *cur = read_text(path);
        assert_int_equal(count_lines(cur), 1);
        assert_non_null(strstr(cur, "second"));
        assert_int_equal(access(p1, F_OK), -1);
        unlink(path);
        rmdir(dir);
}

static void test_writer_open_error_names_path(void **state) {
        struct shim_logfile_opts o = { .path = "/nonexistent-dir-xyz/log", .max_files = 1 };
        struct shim_logfile *lf = NULL;
        struct ctrd_error err = { 0 };
        assert_int_equal(shim_logfile_open(&o, &lf, &err), -ENOENT);
        assert_string_equal(err.msg, "opening log file '/nonexistent-dir-xyz/log': No such file or directory");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_encode_plain_line),
                cmocka_unit_test(test_encode_escapes_like_go),
                cmocka_unit_test(test_encode_utf8),
                cmocka_unit_test(test_encode_nul_and_invalid_stream),
                cmocka_unit_test(test_split_lines_and_partials),
                cmocka_unit_test(test_split_long_line_at_16k),
                cmocka_unit_test(test_split_exact_16k_line),
                cmocka_unit_test(test_writer_streams_and_rotation),
                cmocka_unit_test(test_writer_single_file_truncates),
                cmocka_unit_test(test_writer_open_error_names_path),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
