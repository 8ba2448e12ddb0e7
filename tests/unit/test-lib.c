/* Unit tests for lib/: the error convention and string parsing. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "error.h"
#include "string-util.h"

static void test_error_set_returns_negative_errno(void **state) {
        struct ctrd_error err = { 0 };
        assert_int_equal(ctrd_error_set(&err, ENOENT, "no '%s'", "x"), -ENOENT);
        assert_int_equal(err.code, ENOENT);
        assert_string_equal(err.msg, "no 'x'");
        /* errno 0 becomes EIO, negative errnos are accepted too */
        assert_int_equal(ctrd_error_set(&err, 0, "zero"), -EIO);
        assert_int_equal(ctrd_error_set(&err, -EPERM, "neg"), -EPERM);
        assert_int_equal(ctrd_error_set(NULL, EINVAL, "ignored"), -EINVAL);
}

static void test_error_sys_and_wrap(void **state) {
        struct ctrd_error err = { 0 };
        ctrd_error_sys(&err, ENOENT, "opening '%s'", "/a");
        assert_string_equal(err.msg, "opening '/a': No such file or directory");
        assert_int_equal(ctrd_error_wrap(&err, "loading %s", "bundle"), -ENOENT);
        assert_string_equal(err.msg, "loading bundle: opening '/a': No such file or directory");
}

static void test_error_wrap_truncates_visibly(void **state) {
        struct ctrd_error err = { 0 };
        char big[CTRD_ERROR_MSG_MAX];
        memset(big, 'a', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        ctrd_error_set(&err, EINVAL, "%s", big);
        ctrd_error_wrap(&err, "ctx");
        assert_int_equal(strlen(err.msg), CTRD_ERROR_MSG_MAX - 1);
        assert_string_equal(err.msg + CTRD_ERROR_MSG_MAX - 4, "...");
}

static void test_query_bool(void **state) {
        const char *falsy[] = { NULL, "", "0", "no", "false", "FALSE", " False ", "none" };
        const char *truthy[] = { "1", "true", "yes", "True", "x", "-1" };
        for (size_t i = 0; i < sizeof(falsy) / sizeof(*falsy); i++)
                assert_false(ctrd_parse_query_bool(falsy[i]));
        for (size_t i = 0; i < sizeof(truthy) / sizeof(*truthy); i++)
                assert_true(ctrd_parse_query_bool(truthy[i]));
}

static void test_parse_int64(void **state) {
        int64_t v = 0;
        assert_int_equal(ctrd_parse_int64("42", 0, 100, &v), 0);
        assert_int_equal(v, 42);
        assert_int_equal(ctrd_parse_int64("-1", -1, 100, &v), 0);
        assert_int_equal(v, -1);
        assert_int_equal(ctrd_parse_int64("101", 0, 100, &v), -ERANGE);
        assert_int_equal(ctrd_parse_int64("x", 0, 100, &v), -EINVAL);
        assert_int_equal(ctrd_parse_int64("", 0, 100, &v), -EINVAL);
        assert_int_equal(ctrd_parse_int64(" 1", 0, 100, &v), -EINVAL);
        assert_int_equal(ctrd_parse_int64("1 ", 0, 100, &v), -EINVAL);
        assert_int_equal(ctrd_parse_int64("99999999999999999999", INT64_MIN, INT64_MAX, &v), -ERANGE);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_error_set_returns_negative_errno),
                cmocka_unit_test(test_error_sys_and_wrap),
                cmocka_unit_test(test_error_wrap_truncates_visibly),
                cmocka_unit_test(test_query_bool),
                cmocka_unit_test(test_parse_int64),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
