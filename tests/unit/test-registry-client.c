/* Unit tests for daemon/registry-client.c: which endpoint a registry name gets (no traffic). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/registry-client.h"

static void expect_base(const struct registry_options *opts, const char *domain, const char *want) {
        struct registry_client *c = NULL;
        struct ctrd_error err = { 0 };
        assert_int_equal(registry_client_new(opts, domain, "a/b", NULL, &c, &err), 0);
        assert_string_equal(registry_client_base(c), want);
        registry_client_free(c);
}

static void test_endpoints(void **state) {
        char *insecure[] = { "reg.internal:5000", NULL };
        char *mirrors[] = { "http://127.0.0.1:5555/", "https://second.example", NULL };
        struct registry_options none = { 0 };
        struct registry_options opts = { .mirrors = mirrors, .insecure = insecure };
        expect_base(NULL, "docker.io", "https://registry-1.docker.io");
        expect_base(&none, "quay.io", "https://quay.io");
        /* Loopback is plain HTTP without being listed, as in dockerd. */
        expect_base(&none, "127.0.0.1:5000", "http://127.0.0.1:5000");
        expect_base(&none, "localhost:5000", "http://localhost:5000");
        expect_base(&none, "reg.internal:5000", "https://reg.internal:5000");
        expect_base(&opts, "reg.internal:5000", "http://reg.internal:5000");
        expect_base(&opts, "reg.internal:5001", "https://reg.internal:5001");
        /* A mirror serves docker.io only; its trailing slash goes. */
        expect_base(&opts, "docker.io", "http://127.0.0.1:5555");
        expect_base(&opts, "quay.io", "https://quay.io");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_endpoints),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
