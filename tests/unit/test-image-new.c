/* Unit tests for the JSON form of a new image, the one thing that crosses from the image worker. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/image-new.h"

#define D(c) "sha256:" c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c \
             c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c

static void test_round_trip(void **state) {
        struct layer_store_result layers[2] = {
                { .diff_id = D("a"), .chain_id = D("a"), .blob_digest = D("b"), .tar_size = 3,
                  .size = 4, .existed = true },
                { .diff_id = D("c"), .chain_id = D("d"), .blob_digest = "", .tar_size = 1ull << 40,
                  .size = 0 },
        };
        char *refs[] = { (char *) "docker.io/library/bb:latest", NULL };
        struct image_new in = { .id = D("e"), .created = 1700000000, .layers = layers,
                                .n_layers = 2, .refs = refs };
        json_auto_t *j = image_new_to_json(&in);
        assert_non_null(j);
        /* Through text, as it travels. */
        char *text = json_dumps(j, JSON_COMPACT);
        json_auto_t *back = json_loads(text, 0, NULL);
        free(text);
        struct image_new out;
        struct ctrd_error err = { 0 };
        assert_int_equal(image_new_from_json(back, &out, &err), 0);
        assert_string_equal(out.id, in.id);
        assert_int_equal(out.created, in.created);
        assert_int_equal(out.n_layers, 2);
        for (size_t i = 0; i < 2; i++) {
                assert_string_equal(out.layers[i].diff_id, layers[i].diff_id);
                assert_string_equal(out.layers[i].chain_id, layers[i].chain_id);
                assert_string_equal(out.layers[i].blob_digest, layers[i].blob_digest);
                assert_int_equal(out.layers[i].tar_size, layers[i].tar_size);
                assert_int_equal(out.layers[i].size, layers[i].size);
                assert_int_equal(out.layers[i].existed, layers[i].existed);
        }
        assert_string_equal(out.refs[0], refs[0]);
        assert_null(out.refs[1]);
        assert_null(out.event_action);
        image_new_clear(&out);
}

/* Whatever the worker says is checked before the daemon records it. */
static void test_refuses_bad_descriptions(void **state) {
        static const char *const bad[] = {
                "{}",
                "{\"Id\": \"sha256:xyz\", \"Layers\": []}",
                "{\"Id\": \"" D("a") "\"}",
                "{\"Id\": \"" D("a") "\", \"Layers\": [{}]}",
                "{\"Id\": \"" D("a") "\", \"Layers\": [{\"DiffID\": \"" D("a") "\", \"ChainID\": \"../x\","
                " \"Blob\": \"\", \"TarSize\": 1, \"Size\": 1}]}",
                "{\"Id\": \"" D("a") "\", \"Layers\": [{\"DiffID\": \"" D("a") "\", \"ChainID\": \"" D("a")
                "\", \"Blob\": \"\", \"TarSize\": -1, \"Size\": 1}]}",
                "{\"Id\": \"" D("a") "\", \"Layers\": [], \"Refs\": [1]}",
                "{\"Id\": \"" D("a") "\", \"Layers\": [], \"Refs\": \"x\"}",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                json_auto_t *j = json_loads(bad[i], 0, NULL);
                struct image_new out;
                struct ctrd_error err = { 0 };
                assert_non_null(j);
                assert_int_equal(image_new_from_json(j, &out, &err), -EPROTO);
                assert_true(strlen(err.msg) > 0);
        }
}

static void test_paths(void **state) {
        char *configs = NULL, *tmp = NULL;
        assert_int_equal(image_dirs("/var/lib/ctrd", &configs, &tmp), 0);
        assert_string_equal(configs, "/var/lib/ctrd/image/configs");
        assert_string_equal(tmp, "/var/lib/ctrd/image/tmp");
        char *p = image_config_path_in(configs, D("f"));
        assert_non_null(p);
        char want[128];
        snprintf(want, sizeof(want), "/var/lib/ctrd/image/configs/%s", D("f") + 7);
        assert_string_equal(p, want);
        free(p);
        assert_null(image_config_path_in(configs, "sha256:../../etc"));
        free(configs);
        free(tmp);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_round_trip),
                cmocka_unit_test(test_refuses_bad_descriptions),
                cmocka_unit_test(test_paths),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
