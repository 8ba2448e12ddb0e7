/* Unit tests for daemon/image-ref.c: Docker's reference grammar and normalisation. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/image-ref.h"

#define HEX "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct good {
        const char *in;
        const char *full;       /* image_ref_string(familiar = false) */
        const char *familiar;
};

static void test_valid(void **state) {
        static const struct good cases[] = {
                { "busybox", "docker.io/library/busybox:latest", "busybox:latest" },
                { "busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36" },
                { "library/busybox", "docker.io/library/busybox:latest", "busybox:latest" },
                { "docker.io/busybox", "docker.io/library/busybox:latest", "busybox:latest" },
                { "index.docker.io/x/y:z", "docker.io/x/y:z", "x/y:z" },
                { "user/app", "docker.io/user/app:latest", "user/app:latest" },
                { "host:5000/a/b:t", "host:5000/a/b:t", "host:5000/a/b:t" },
                { "127.0.0.1:5066/bb:v1", "127.0.0.1:5066/bb:v1", "127.0.0.1:5066/bb:v1" },
                { "localhost/x", "localhost/x:latest", "localhost/x:latest" },
                { "Host.Example/x", "Host.Example/x:latest", "Host.Example/x:latest" },
                { "[::1]:5000/x", "[::1]:5000/x:latest", "[::1]:5000/x:latest" },
                { "a__b-c---d/e.f_g", "docker.io/a__b-c---d/e.f_g:latest", "a__b-c---d/e.f_g:latest" },
                { "bb@sha256:" HEX, "docker.io/library/bb@sha256:" HEX, "bb@sha256:" HEX },
                { "bb:v2@sha256:" HEX, "docker.io/library/bb:v2@sha256:" HEX, "bb:v2@sha256:" HEX },
                { "h:1/bb@sha256:" HEX, "h:1/bb@sha256:" HEX, "h:1/bb@sha256:" HEX },
                { "x:_Tag.1-2", "docker.io/library/x:_Tag.1-2", "x:_Tag.1-2" },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
                struct image_ref r = { 0 };
                struct ctrd_error err = { 0 };
                if (image_ref_parse(cases[i].in, &r, &err) < 0)
                        fail_msg("'%s': %s", cases[i].in, err.msg);
                char *full = image_ref_string(&r, false), *fam = image_ref_string(&r, true);
                assert_string_equal(full, cases[i].full);
                assert_string_equal(fam, cases[i].familiar);
                char *back = image_ref_familiarize(full);
                assert_string_equal(back, cases[i].familiar);
                free(back);
                free(full);
                free(fam);
                image_ref_clear(&r);
        }
}

struct bad {
        const char *in;
        const char *msg;
};

static void test_invalid(void **state) {
        static const struct bad cases[] = {
                { "", "invalid reference format" },
                { "Busybox", "invalid reference format: repository name must be lowercase" },
                { "user/App", "invalid reference format: repository name must be lowercase" },
                { "bb:", "invalid reference format" },
                { "bb:-x", "invalid reference format" },
                { "bb::x", "invalid reference format" },
                { "a//b", "invalid reference format" },
                { "a/", "invalid reference format" },
                { "/a", "invalid reference format" },
                { "a-/b", "invalid reference format" },
                { "a..b", "invalid reference format" },
                { "a$b", "invalid reference format" },
                { "host:port/x", "invalid reference format" },
                { "-host.com/x", "invalid reference format" },
                { "bb@sha256:abc", "invalid checksum digest format" },
                { "bb@md5:" HEX, "unsupported digest algorithm" },
                { "bb@", "invalid reference format" },
                { HEX, "invalid repository name (" HEX "), cannot specify 64-byte hexadecimal strings" },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
                struct image_ref r = { 0 };
                struct ctrd_error err = { 0 };
                int k = image_ref_parse(cases[i].in, &r, &err);
                if (k != -EINVAL)
                        fail_msg("'%s' parsed (%d)", cases[i].in, k);
                assert_string_equal(err.msg, cases[i].msg);
        }
}

static void test_too_long(void **state) {
        char name[300];
        memset(name, 'a', sizeof(name) - 1);
        name[sizeof(name) - 1] = '\0';
        struct image_ref r = { 0 };
        struct ctrd_error err = { 0 };
        assert_int_equal(image_ref_parse(name, &r, &err), -EINVAL);
        assert_string_equal(err.msg, "invalid reference format: repository name must not be "
                            "more than 255 characters");
}

static void test_repo_tag(void **state) {
        struct image_ref r = { 0 };
        struct ctrd_error err = { 0 };
        assert_int_equal(image_ref_parse_repo_tag("bb:latest", NULL, &r, &err), 0);
        assert_string_equal(r.tag, "latest");
        image_ref_clear(&r);
        assert_int_equal(image_ref_parse_repo_tag("bb", "v2", &r, &err), 0);
        assert_string_equal(r.tag, "v2");
        assert_string_equal(r.path, "library/bb");
        image_ref_clear(&r);
        assert_int_equal(image_ref_parse_repo_tag("bb", "", &r, &err), 0);
        assert_string_equal(r.tag, "latest");
        image_ref_clear(&r);
        assert_int_equal(image_ref_parse_repo_tag("bb", "bad tag", &r, &err), -EINVAL);
        assert_int_equal(image_ref_parse_repo_tag("bb@sha256:" HEX, NULL, &r, &err), -EINVAL);
        assert_null(r.domain);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_valid),
                cmocka_unit_test(test_invalid),
                cmocka_unit_test(test_too_long),
                cmocka_unit_test(test_repo_tag),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
