/* Unit tests for daemon/digest.c: sha256 strings, diffIDs and chainIDs. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/digest.h"

/* Reference values below were computed with coreutils' sha256sum. */
#define EMPTY "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define HELLO "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
#define DA "sha256:ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"
#define DB "sha256:3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d"
/* sha256("<DA> <DB>") and sha256("<that> <DA>") */
#define CHAIN_AB "sha256:51c0c8ace48498d6f5fee6b0592cc06f2da0f3cbe09c5a34a97dce85c3889676"
#define CHAIN_ABA "sha256:1472d34251a00ac55ede7b25cbe3c166a4229eae731490bfdeb83bc00f598be1"

static void test_buffer(void **state) {
        char d[DIGEST_STR_LEN + 1];
        assert_int_equal(digest_buffer("", 0, d), 0);
        assert_string_equal(d, EMPTY);
        assert_int_equal(digest_buffer("hello", 5, d), 0);
        assert_string_equal(d, HELLO);
}

static void test_incremental_equals_whole(void **state) {
        struct digest_ctx ctx = { 0 };
        char d[DIGEST_STR_LEN + 1];
        assert_int_equal(digest_init(&ctx), 0);
        digest_update(&ctx, "he", 2);
        digest_update(&ctx, "", 0);
        digest_update(&ctx, "llo", 3);
        assert_int_equal(digest_final(&ctx, d), 0);
        assert_null(ctx.md);
        assert_string_equal(d, HELLO);
        digest_done(&ctx);      /* harmless after final */
}

static void test_chain_id(void **state) {
        char c1[DIGEST_STR_LEN + 1], c2[DIGEST_STR_LEN + 1], c3[DIGEST_STR_LEN + 1];
        assert_int_equal(digest_chain_id(NULL, DA, c1), 0);
        assert_string_equal(c1, DA);
        assert_int_equal(digest_chain_id(c1, DB, c2), 0);
        assert_string_equal(c2, CHAIN_AB);
        assert_int_equal(digest_chain_id(c2, DA, c3), 0);
        assert_string_equal(c3, CHAIN_ABA);
        assert_int_equal(digest_chain_id(NULL, "sha256:abc", c1), -EINVAL);
        assert_int_equal(digest_chain_id("md5:x", DA, c1), -EINVAL);
}

static void test_validity(void **state) {
        assert_true(digest_is_valid(EMPTY));
        assert_false(digest_is_valid(NULL));
        assert_false(digest_is_valid("sha256:"));
        assert_false(digest_is_valid("sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        assert_false(digest_is_valid("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"));
        assert_false(digest_is_valid(EMPTY "0"));
        assert_true(digest_is_hex(digest_hex(EMPTY)));
        assert_false(digest_is_hex("abc"));
        assert_string_equal(digest_hex(DA), DA + 7);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_buffer),
                cmocka_unit_test(test_incremental_equals_whole),
                cmocka_unit_test(test_chain_id),
                cmocka_unit_test(test_validity),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
