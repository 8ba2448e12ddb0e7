/* Unit tests for daemon/registry-auth.c: base64, X-Registry-Auth, config.json, challenges. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon/registry-auth.h"
#include "daemon/registry-client.h"

static void test_base64(void **state) {
        char *out = NULL;
        size_t len = 0;
        /* Standard, URL-safe, padded and unpadded spellings of the same bytes. */
        static const char *const forms[] = { "PDw/Pz4+", "PDw_Pz4-", "PDw/Pz4+" };
        for (size_t i = 0; i < 3; i++) {
                assert_int_equal(registry_base64_decode(forms[i], &out, &len), 0);
                assert_int_equal(len, 6);
                assert_string_equal(out, "<<?" "?>>");
                free(out);
        }
        assert_int_equal(registry_base64_decode("dXNlcg", &out, &len), 0);
        assert_string_equal(out, "user");
        free(out);
        assert_int_equal(registry_base64_decode("dXNlcjpwdw==", &out, &len), 0);
        assert_string_equal(out, "user:pw");
        assert_int_equal(len, 7);
        free(out);
        assert_true(registry_base64_decode("!!!!", &out, &len) < 0);
        char *enc = registry_base64_encode("user:pw", 7);
        assert_string_equal(enc, "dXNlcjpwdw==");
        free(enc);
}

static char *b64url_json(const char *json) {
        char *enc = registry_base64_encode(json, strlen(json));
        for (char *p = enc; *p; p++)
                *p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
        return enc;
}

static void test_header(void **state) {
        struct registry_creds c;
        struct ctrd_error err = { 0 };
        assert_int_equal(registry_creds_from_header(NULL, &c, &err), 0);
        assert_true(registry_creds_empty(&c));
        char *h = b64url_json("{\"username\":\"u\",\"password\":\"p>\",\"serveraddress\":\"r\"}");
        assert_int_equal(registry_creds_from_header(h, &c, &err), 0);
        assert_string_equal(c.username, "u");
        assert_string_equal(c.password, "p>");
        registry_creds_clear(&c);
        assert_null(c.username);
        free(h);
        /* "auth" as config.json stores it. */
        h = b64url_json("{\"auth\":\"dXNlcjpwOnc=\"}");
        assert_int_equal(registry_creds_from_header(h, &c, &err), 0);
        assert_string_equal(c.username, "user");
        assert_string_equal(c.password, "p:w");
        registry_creds_clear(&c);
        free(h);
        h = b64url_json("{}");
        assert_int_equal(registry_creds_from_header(h, &c, &err), 0);
        assert_true(registry_creds_empty(&c));
        free(h);
        assert_int_equal(registry_creds_from_header("bm90IGpzb24", &c, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "not a JSON object"));
}

static void test_config(void **state) {
        char path[] = "/tmp/test-registry-auth-XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        const char *doc = "{\"auths\": {\"https://index.docker.io/v1/\": {\"auth\": \"aHViOmh1YnB3\"},"
                          " \"127.0.0.1:5000\": {\"auth\": \"bG9jYWw6bHB3\"},"
                          " \"https://reg.example:8443\": {\"identitytoken\": \"tok\"}}}";
        assert_int_equal(write(fd, doc, strlen(doc)), (ssize_t) strlen(doc));
        close(fd);
        struct registry_creds c;
        struct ctrd_error err = { 0 };
        assert_int_equal(registry_creds_from_config(path, "docker.io", &c, &err), 0);
        assert_string_equal(c.username, "hub");
        assert_string_equal(c.password, "hubpw");
        registry_creds_clear(&c);
        assert_int_equal(registry_creds_from_config(path, "127.0.0.1:5000", &c, &err), 0);
        assert_string_equal(c.username, "local");
        registry_creds_clear(&c);
        assert_int_equal(registry_creds_from_config(path, "reg.example:8443", &c, &err), 0);
        assert_null(c.username);
        assert_string_equal(c.identity_token, "tok");
        registry_creds_clear(&c);
        assert_int_equal(registry_creds_from_config(path, "127.0.0.1:5001", &c, &err), -ENOENT);
        unlink(path);
}

static void test_challenge(void **state) {
        struct registry_challenge ch;
        assert_int_equal(registry_challenge_parse("Bearer realm=\"https://auth.example/token\","
                                                  "service=\"registry.example\",scope=\"repository:a/b:pull\"",
                                                  &ch), 0);
        assert_true(ch.bearer);
        assert_string_equal(ch.realm, "https://auth.example/token");
        assert_string_equal(ch.service, "registry.example");
        assert_string_equal(ch.scope, "repository:a/b:pull");
        registry_challenge_clear(&ch);
        assert_int_equal(registry_challenge_parse("Basic realm=\"x\"", &ch), 0);
        assert_false(ch.bearer);
        registry_challenge_clear(&ch);
        assert_int_equal(registry_challenge_parse("bearer realm=http://t/x, service=s", &ch), 0);
        assert_string_equal(ch.realm, "http://t/x");
        assert_string_equal(ch.service, "s");
        registry_challenge_clear(&ch);
        assert_int_equal(registry_challenge_parse("Bearer service=\"no realm\"", &ch), -EINVAL);
        assert_int_equal(registry_challenge_parse("Bearer realm=\"unterminated", &ch), -EINVAL);
        assert_int_equal(registry_challenge_parse("Negotiate abc", &ch), -EINVAL);
}

static void test_loopback(void **state) {
        assert_true(registry_host_is_loopback("127.0.0.1:5000"));
        assert_true(registry_host_is_loopback("127.1.2.3"));
        assert_true(registry_host_is_loopback("localhost:5000"));
        assert_true(registry_host_is_loopback("[::1]:5000"));
        assert_false(registry_host_is_loopback("localhost.example.com"));
        assert_false(registry_host_is_loopback("128.0.0.1:5000"));
        assert_false(registry_host_is_loopback("127.0.0.1.evil.example"));
        assert_false(registry_host_is_loopback("docker.io"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_base64),
                cmocka_unit_test(test_header),
                cmocka_unit_test(test_config),
                cmocka_unit_test(test_challenge),
                cmocka_unit_test(test_loopback),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
