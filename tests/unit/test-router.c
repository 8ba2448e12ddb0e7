/* Unit tests for api/router.c: pattern matching and version prefixes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "api/router.h"
#include "macro.h"

static void h_a(struct api_request *r) {}
static void h_b(struct api_request *r) {}
static void h_c(struct api_request *r) {}
static void h_d(struct api_request *r) {}
static void h_e(struct api_request *r) {}

static const struct api_route routes[] = {
        { "GET", "/_ping", h_a, NULL },
        { "GET", "/containers/{id}/json", h_b, NULL },
        { "POST", "/containers/{id}/json", h_c, NULL },
        { "GET", "/images/{name*}/json", h_d, NULL },
        { "DELETE", "/images/{name*}", h_e, NULL },
};

static const struct api_route *match(const char *method, const char *path, struct api_match *m) {
        if (api_route_match(routes, ARRAY_SIZE(routes), method, path, m) != API_MATCH_FOUND)
                return NULL;
        return m->route;
}

static void test_literal_and_params(void **state) {
        struct api_match m;
        assert_ptr_equal(match("GET", "/_ping", &m), &routes[0]);
        api_match_clear(&m);
        assert_ptr_equal(match("GET", "/containers/abc/json", &m), &routes[1]);
        assert_string_equal(api_match_param(&m, "id"), "abc");
        assert_null(api_match_param(&m, "i"));
        assert_null(api_match_param(&m, "idx"));
        api_match_clear(&m);
        assert_ptr_equal(match("POST", "/containers/abc/json", &m), &routes[2]);
        api_match_clear(&m);
}

static void test_head_answers_get(void **state) {
        struct api_match m;
        assert_ptr_equal(match("HEAD", "/_ping", &m), &routes[0]);
        api_match_clear(&m);
}

static void test_no_match(void **state) {
        struct api_match m;
        const char *miss[] = { "/", "", "/_pin", "/_ping/", "/_ping/x", "/containers//json",
                               "/containers/a/b/json", "/containers/abc", "//_ping", "_ping" };
        for (size_t i = 0; i < ARRAY_SIZE(miss); i++) {
                assert_null(match("GET", miss[i], &m));
                assert_int_equal(m.n_params, 0);
        }
        assert_null(match("PUT", "/_ping", &m));
        assert_null(match("DELETE", "/containers/abc/json", &m));
}

static void test_greedy_params(void **state) {
        struct api_match m;
        assert_ptr_equal(match("GET", "/images/127.0.0.1:5066/bb/json", &m), &routes[3]);
        assert_string_equal(api_match_param(&m, "name"), "127.0.0.1:5066/bb");
        api_match_clear(&m);
        assert_ptr_equal(match("GET", "/images/busybox/json", &m), &routes[3]);
        assert_string_equal(api_match_param(&m, "name"), "busybox");
        api_match_clear(&m);
        assert_ptr_equal(match("DELETE", "/images/a/b/c:1", &m), &routes[4]);
        assert_string_equal(api_match_param(&m, "name"), "a/b/c:1");
        api_match_clear(&m);
        assert_null(match("GET", "/images/json", &m));
        assert_null(match("GET", "/images//json", &m));
        assert_null(match("DELETE", "/images/", &m));
}

static void test_version_prefix(void **state) {
        struct api_version v = { 0, 0 };
        const char *rest;
        assert_true(api_split_version("/v1.41/containers/json", &v, &rest));
        assert_int_equal(v.major, 1);
        assert_int_equal(v.minor, 41);
        assert_string_equal(rest, "/containers/json");
        assert_true(api_split_version("/v1.99/_ping", &v, &rest));
        assert_int_equal(v.minor, 99);

        const char *plain[] = { "/_ping", "/v1.41", "/v1/_ping", "/v1./x", "/v.41/x", "/vx.y/x",
                                "/version", "/v1.4a/x", "/v99999999.1/x" };
        for (size_t i = 0; i < ARRAY_SIZE(plain); i++) {
                assert_false(api_split_version(plain[i], &v, &rest));
                assert_string_equal(rest, plain[i]);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_literal_and_params),
                cmocka_unit_test(test_head_answers_get),
                cmocka_unit_test(test_no_match),
                cmocka_unit_test(test_greedy_params),
                cmocka_unit_test(test_version_prefix),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
