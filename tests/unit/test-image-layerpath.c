/* Unit tests for the layer archive rules: name cleaning, symlink containment, whiteouts. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/layer-path.h"
#include "daemon/layer-whiteout.h"

struct clean_case {
        const char *in;
        int r;
        const char *out;
};

static void test_clean_table(void **state) {
        static const struct clean_case cases[] = {
                { "a/b/c", 0, "a/b/c" },
                { "./a/b/", 0, "a/b" },
                { "/etc/passwd", 0, "etc/passwd" },      /* absolute: rewritten under the root */
                { "//a///b", 0, "a/b" },
                { ".", 0, "" },
                { "./", 0, "" },
                { "/", 0, "" },
                { "a/./b/../c", 0, "a/c" },
                { "a/..", 0, "" },
                { "...", 0, "..." },
                { "..a/b..", 0, "..a/b.." },
                { "..", -EXDEV, NULL },
                { "../etc/passwd", -EXDEV, NULL },
                { "a/../../b", -EXDEV, NULL },
                { "/../x", -EXDEV, NULL },
                { "./a/b/../../../x", -EXDEV, NULL },
                { "", -EINVAL, NULL },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
                char *out = NULL;
                int r = layer_path_clean(cases[i].in, &out);
                if (r != cases[i].r)
                        fail_msg("'%s': got %d, want %d", cases[i].in, r, cases[i].r);
                if (r == 0)
                        assert_string_equal(out, cases[i].out);
                else
                        assert_null(out);
                free(out);
        }
}

struct link_case {
        const char *entry;
        const char *target;
        int contained;
};

static void test_symlink_table(void **state) {
        static const struct link_case cases[] = {
                { "bin/sh", "busybox", 1 },
                { "bin/sh", "/bin/busybox", 1 },
                { "lib64", "usr/lib64", 1 },
                { "usr/lib/x", "../../etc/y", 1 },
                { "a/b/c", "/../../..", 0 },
                { "usr/lib/x", "../../../etc/shadow", 0 },
                { "link", "..", 0 },
                { "link", "../", 0 },
                { "d/link", "..", 1 },
                { "link", "/", 1 },
                { "link", "", 0 },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
                if (layer_path_symlink_contained(cases[i].entry, cases[i].target) !=
                    (cases[i].contained != 0))
                        fail_msg("%s -> %s", cases[i].entry, cases[i].target);
}

static void test_whiteouts(void **state) {
        const char *t = "x";
        assert_int_equal(layer_whiteout_classify("file", &t), LAYER_ENTRY_PLAIN);
        assert_null(t);
        assert_int_equal(layer_whiteout_classify(".wh.file", &t), LAYER_ENTRY_WHITEOUT);
        assert_string_equal(t, "file");
        assert_int_equal(layer_whiteout_classify(".wh..hidden", &t), LAYER_ENTRY_WHITEOUT);
        assert_string_equal(t, ".hidden");
        assert_int_equal(layer_whiteout_classify(".wh..wh..opq", &t), LAYER_ENTRY_OPAQUE);
        assert_int_equal(layer_whiteout_classify(".wh..wh.plnk", &t), LAYER_ENTRY_META);
        assert_int_equal(layer_whiteout_classify(".wh..wh.aufs", &t), LAYER_ENTRY_META);
        assert_int_equal(layer_whiteout_classify(".wh.", &t), LAYER_ENTRY_INVALID);
        assert_int_equal(layer_whiteout_classify(".wh...", &t), LAYER_ENTRY_INVALID);
        assert_int_equal(layer_whiteout_classify(".wh..", &t), LAYER_ENTRY_INVALID);
        assert_int_equal(layer_whiteout_classify(".whfile", &t), LAYER_ENTRY_PLAIN);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_clean_table),
                cmocka_unit_test(test_symlink_table),
                cmocka_unit_test(test_whiteouts),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
