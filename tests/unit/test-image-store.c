/* Unit tests for store/images.c: layer refcounts along chains, images, tags that move. */
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

#include "cleanup.h"
#include "store/images.h"
#include "store/store.h"

#define L(c) "sha256:" c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c \
                c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c

struct fixture {
        char dir[64];
        struct store *s;
};

static int setup(void **state) {
        struct fixture *f = calloc(1, sizeof(*f));
        char path[128];
        strcpy(f->dir, "/tmp/ctrd-test-image-store-XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        snprintf(path, sizeof(path), "%s/ctrd.db", f->dir);
        assert_int_equal(store_open(path, &f->s, NULL), 0);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        struct fixture *f = *state;
        char cmd[128];
        store_close(f->s);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
        assert_int_equal(system(cmd), 0);
        free(f);
        return 0;
}

static void add_layer(struct store *s, const char *chain, const char *parent) {
        struct store_layer l = { .size = 10, .tar_size = 20 };
        strcpy(l.chain_id, chain);
        strcpy(l.diff_id, chain);
        strcpy(l.parent, parent ? parent : "");
        assert_int_equal(store_layer_add(s, &l, NULL), 0);
}

static void add_image(struct store *s, const char *id, const char *top, int64_t created) {
        struct store_image img = { .created = created, .size = 1 };
        strcpy(img.id, id);
        strcpy(img.top_layer, top);
        assert_int_equal(store_image_add(s, &img, NULL), 0);
        assert_int_equal(store_layer_ref_chain(s, top, +1, NULL), 0);
}

static int64_t refs(struct store *s, const char *chain) {
        struct store_layer l;
        assert_int_equal(store_layer_get(s, chain, &l, NULL), 0);
        return l.refcount;
}

static void test_shared_base_refcounts(void **state) {
        struct store *s = ((struct fixture *) *state)->s;
        add_layer(s, L("a"), NULL);
        add_layer(s, L("a"), NULL);     /* a second add is a no-op */
        add_layer(s, L("b"), L("a"));
        add_layer(s, L("c"), L("a"));
        add_image(s, L("1"), L("b"), 100);
        add_image(s, L("2"), L("c"), 200);
        assert_int_equal(refs(s, L("a")), 2);
        assert_int_equal(refs(s, L("b")), 1);

        struct ctrd_error err = { 0 };
        struct store_image img;
        assert_int_equal(store_image_add(s, &(struct store_image) { .id = L("1"), .top_layer = L("b") },
                                         &err), -EEXIST);
        assert_int_equal(store_image_find_prefix(s, "1111", &img, NULL), 0);
        assert_string_equal(img.id, L("1"));
        assert_int_equal(store_image_find_prefix(s, "3", &img, &err), -ENOENT);

        struct store_image *list = NULL;
        size_t n = 0;
        assert_int_equal(store_image_list(s, &list, &n, NULL), 0);
        assert_int_equal(n, 2);
        assert_string_equal(list[0].id, L("2"));        /* newest first */
        free(list);

        /* Removing image 1 frees layer b only; unused layers come children first. */
        assert_int_equal(store_layer_ref_chain(s, L("b"), -1, NULL), 0);
        assert_int_equal(store_image_remove(s, L("1"), NULL), 0);
        char **unused = NULL;
        assert_int_equal(store_layer_list_unused(s, &unused, NULL), 0);
        assert_string_equal(unused[0], L("b"));
        assert_null(unused[1]);
        strv_free(unused);
        assert_int_equal(store_layer_remove(s, L("b"), NULL), 0);

        assert_int_equal(store_layer_ref_chain(s, L("c"), -1, NULL), 0);
        assert_int_equal(store_image_remove(s, L("2"), NULL), 0);
        assert_int_equal(store_layer_list_unused(s, &unused, NULL), 0);
        assert_string_equal(unused[0], L("c"));
        assert_string_equal(unused[1], L("a"));
        strv_free(unused);
        assert_int_equal(store_layer_ref_chain(s, L("f"), 1, &err), -ENOENT);
}

static void test_refs_move(void **state) {
        struct store *s = ((struct fixture *) *state)->s;
        char id[STORE_DIGEST_MAX];
        char **tags = NULL;
        add_layer(s, L("a"), NULL);
        add_image(s, L("1"), L("a"), 1);
        add_image(s, L("2"), L("a"), 2);
        const char *bb = "docker.io/library/bb:latest";
        assert_int_equal(store_ref_set(s, bb, L("1"), false, NULL), 0);
        assert_int_equal(store_ref_set(s, "docker.io/library/bb@" L("9"), L("1"), true, NULL), 0);
        assert_int_equal(store_ref_get(s, bb, id, NULL), 0);
        assert_string_equal(id, L("1"));
        /* Re-tagging moves the tag; image 1 keeps its digest reference only. */
        assert_int_equal(store_ref_set(s, bb, L("2"), false, NULL), 0);
        assert_int_equal(store_ref_get(s, bb, id, NULL), 0);
        assert_string_equal(id, L("2"));
        assert_int_equal(store_ref_list(s, L("1"), false, &tags, NULL), 0);
        assert_null(tags[0]);
        strv_free(tags);
        assert_int_equal(store_ref_list(s, L("1"), true, &tags, NULL), 0);
        assert_string_equal(tags[0], "docker.io/library/bb@" L("9"));
        strv_free(tags);
        /* Removing an image drops its references with it. */
        assert_int_equal(store_image_remove(s, L("2"), NULL), 0);
        assert_int_equal(store_ref_get(s, bb, id, NULL), -ENOENT);
        assert_int_equal(store_ref_remove(s, bb, NULL), -ENOENT);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_shared_base_refcounts, setup, teardown),
                cmocka_unit_test_setup_teardown(test_refs_move, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
