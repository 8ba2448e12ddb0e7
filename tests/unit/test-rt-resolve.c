/*
 * Unit tests for path resolution inside a rootfs (shim/runtime/resolve.c):
 * symlinks are followed as the container would see them, and no trap (an
 * absolute link to "/", "..", a link chain, a loop) leads out of the rootfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
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

#include "shim/runtime/resolve.h"

struct fixture {
        char dir[64];
        int rootfd;
};

static int setup(void **state) {
        struct fixture *f = calloc(1, sizeof(*f));
        snprintf(f->dir, sizeof(f->dir), "/tmp/test-rt-resolve-XXXXXX");
        if (!mkdtemp(f->dir))
                return -1;
        f->rootfd = open(f->dir, O_DIRECTORY | O_CLOEXEC);
        /* A small image: etc -> /, up -> ../../.., abs -> /etc/passwd chain, a loop. */
        mkdirat(f->rootfd, "bin", 0755);
        mkdirat(f->rootfd, "real", 0755);
        close(openat(f->rootfd, "real/file", O_CREAT | O_WRONLY, 0644));
        symlinkat("/", f->rootfd, "etc");
        symlinkat("../../../..", f->rootfd, "up");
        symlinkat("/real", f->rootfd, "abs");
        symlinkat("abs/file", f->rootfd, "rel");
        symlinkat("loop2", f->rootfd, "loop1");
        symlinkat("loop1", f->rootfd, "loop2");
        symlinkat("/tmp/outside-of-rootfs", f->rootfd, "trap");
        *state = f;
        return 0;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        return remove(path);
}

static int teardown(void **state) {
        struct fixture *f = *state;
        close(f->rootfd);
        /* Depth first and without following the traps: they point at the host. */
        int r = nftw(f->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
        free(f);
        return r;
}

static void expect(int rootfd, const char *path, int flags, const char *want) {
        char *got = NULL;
        assert_int_equal(rt_resolve_walk(rootfd, path, flags, &got), 0);
        assert_string_equal(got, want);
        free(got);
}

static void test_plain_paths(void **state) {
        struct fixture *f = *state;
        expect(f->rootfd, "/", 0, "");
        expect(f->rootfd, "/real/file", 0, "real/file");
        expect(f->rootfd, "real//./file", 0, "real/file");
        expect(f->rootfd, "/bin/../real", 0, "real");
}

static void test_symlinks_stay_inside(void **state) {
        struct fixture *f = *state;
        expect(f->rootfd, "/etc", 0, "");
        expect(f->rootfd, "/etc/real/file", 0, "real/file");
        expect(f->rootfd, "/up", 0, "");
        expect(f->rootfd, "/up/bin", 0, "bin");
        expect(f->rootfd, "/../../..", 0, "");
        expect(f->rootfd, "/rel", 0, "real/file");
        expect(f->rootfd, "/abs/file", 0, "real/file");
}

static void test_errors(void **state) {
        struct fixture *f = *state;
        char *got = NULL;
        assert_int_equal(rt_resolve_walk(f->rootfd, "/loop1", 0, &got), -ELOOP);
        assert_int_equal(rt_resolve_walk(f->rootfd, "/missing/x", 0, &got), -ENOENT);
        assert_int_equal(rt_resolve_walk(f->rootfd, "/real/file/x", 0, &got), -ENOTDIR);
        assert_null(got);
}

/* Creating a target through a symlink that points out of the rootfs creates it inside. */
static void test_create_through_trap(void **state) {
        struct fixture *f = *state;
        struct stat st;
        expect(f->rootfd, "/trap/sub", RT_RESOLVE_MKDIR, "tmp/outside-of-rootfs/sub");
        assert_int_equal(fstatat(f->rootfd, "tmp/outside-of-rootfs/sub", &st, 0), 0);
        assert_true(S_ISDIR(st.st_mode));
        assert_int_equal(stat("/tmp/outside-of-rootfs", &st), -1);
        expect(f->rootfd, "/etc/newfile", RT_RESOLVE_MKFILE, "newfile");
        assert_int_equal(fstatat(f->rootfd, "newfile", &st, 0), 0);
        assert_true(S_ISREG(st.st_mode));
}

static void test_open(void **state) {
        struct fixture *f = *state;
        struct ctrd_error err = { 0 };
        struct stat a, b;
        int fd = rt_resolve_open(f->rootfd, "/up/real/../etc/real", 0, O_DIRECTORY, &err);
        assert_true(fd >= 0);
        assert_int_equal(fstat(fd, &a), 0);
        assert_int_equal(fstatat(f->rootfd, "real", &b, 0), 0);
        assert_int_equal(a.st_ino, b.st_ino);
        close(fd);
        assert_int_equal(rt_resolve_open(f->rootfd, "/nope", 0, 0, &err), -ENOENT);
        assert_non_null(strstr(err.msg, "'/nope'"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_plain_paths),
                cmocka_unit_test(test_symlinks_stay_inside),
                cmocka_unit_test(test_errors),
                cmocka_unit_test(test_create_through_trap),
                cmocka_unit_test(test_open),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
