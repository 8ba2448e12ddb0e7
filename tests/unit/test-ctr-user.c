/*
 * Unit tests for daemon/ctr-user.c and daemon/ctr-path.c: users and groups
 * resolved in a fake rootfs whose /etc/passwd is a symlink pointing out of
 * it (the host's file must never be read), symlinks that stay inside,
 * "..", loops and FIFOs; both openat2 and the fallback walk.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon/ctr-path.h"
#include "daemon/ctr-user.h"

static char tmp[64];

static void put(const char *rel, const char *text) {
        char path[256];
        snprintf(path, sizeof(path), "%s/%s", tmp, rel);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

static void dir(const char *rel) {
        char path[256];
        snprintf(path, sizeof(path), "%s/%s", tmp, rel);
        assert_int_equal(mkdir(path, 0755), 0);
}

static void link_(const char *target, const char *rel) {
        char path[256];
        snprintf(path, sizeof(path), "%s/%s", tmp, rel);
        assert_int_equal(symlink(target, path), 0);
}

static int root_fd(const char *rel) {
        char path[256];
        snprintf(path, sizeof(path), "%s/%s", tmp, rel);
        int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        return fd;
}

/*
 * tmp/outside/passwd    the "host's" database: evil:4242
 * tmp/abs/etc/passwd -> <tmp>/outside/passwd (absolute, out of the root)
 * tmp/rel/etc/passwd -> ../../../outside/passwd (relative, climbing out)
 * tmp/in/etc -> /real, tmp/in/real/passwd -> ../lib/passwd (all inside)
 * tmp/fifo/etc/passwd   a FIFO
 * tmp/loop/etc/passwd -> a -> b -> passwd ...
 */
static int setup(void **state) {
        char target[256];
        (void) state;
        snprintf(tmp, sizeof(tmp), "/tmp/ctr-user-XXXXXX");
        assert_non_null(mkdtemp(tmp));
        dir("outside");
        put("outside/passwd", "evil:x:4242:4343::/evil:/bin/sh\n");
        put("outside/group", "evilgrp:x:4343:evil\n");
        dir("abs");
        dir("abs/etc");
        snprintf(target, sizeof(target), "%s/outside/passwd", tmp);
        link_(target, "abs/etc/passwd");
        snprintf(target, sizeof(target), "%s/outside/group", tmp);
        link_(target, "abs/etc/group");
        dir("rel");
        dir("rel/etc");
        link_("../../../../../../outside/passwd", "rel/etc/passwd");
        dir("in");
        dir("in/real");
        dir("in/lib");
        link_("/real", "in/etc");
        link_("../lib/passwd", "in/real/passwd");
        put("in/lib/passwd", "# comment\nbroken line\nroot:x:0:0:root:/root:/bin/sh\n"
                             "app:x:1000:1000::/srv/app:/bin/sh\n2000:x:3000:3000::/n:/bin/sh\n");
        put("in/real/group", "root:x:0:\nwheel:x:10:root,app\nbad:x:notanumber:app\n"
                             "app:x:1000:\nstaff:x:50:app\n");
        dir("fifo");
        dir("fifo/etc");
        snprintf(target, sizeof(target), "%s/fifo/etc/passwd", tmp);
        assert_int_equal(mkfifo(target, 0644), 0);
        dir("loop");
        dir("loop/etc");
        link_("a", "loop/etc/passwd");
        link_("b", "loop/etc/a");
        link_("passwd", "loop/etc/b");
        return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void) st;
        (void) flag;
        (void) ftw;
        return remove(path);
}

static int teardown(void **state) {
        (void) state;
        return nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

typedef int (*open_fn)(int, const char *, int, struct ctrd_error *);

static void check_escapes(open_fn open_in_root) {
        struct ctrd_error err = { 0 };
        int abs = root_fd("abs"), rel = root_fd("rel"), in = root_fd("in"), loop = root_fd("loop");

        /* Out-of-root targets are looked up inside the root, where they do not exist. */
        assert_int_equal(open_in_root(abs, "/etc/passwd", O_RDONLY, &err), -ENOENT);
        assert_int_equal(open_in_root(rel, "/etc/passwd", O_RDONLY, &err), -ENOENT);
        assert_int_equal(open_in_root(in, "/../../../outside/passwd", O_RDONLY, &err), -ENOENT);
        assert_int_equal(open_in_root(loop, "/etc/passwd", O_RDONLY, &err), -ELOOP);
        /* Symlinks that stay inside work, ".." stops at the root. */
        int fd = open_in_root(in, "/../etc/./passwd", O_RDONLY, &err);
        assert_true(fd >= 0);
        char buf[16] = { 0 };
        assert_true(read(fd, buf, 9) == 9);
        assert_string_equal(buf, "# comment");
        close(fd);
        close(abs);
        close(rel);
        close(in);
        close(loop);
}

static void test_openat2(void **state) {
        (void) state;
        check_escapes(ctr_open_in_root);
}

static void test_walk(void **state) {
        (void) state;
        check_escapes(ctr_open_in_root_walk);
}

static void test_no_host_passwd(void **state) {
        struct ctrd_error err = { 0 };
        struct ctr_user u = { 0 };
        (void) state;
        for (int i = 0; i < 2; i++) {
                int fd = root_fd(i ? "rel" : "abs");
                /* The host-side database names "evil"; inside the root nobody has that name. */
                assert_int_equal(ctr_user_resolve(fd, "evil", NULL, &u, &err), -EINVAL);
                assert_string_equal(err.msg,
                                    "unable to find user evil: no matching entries in passwd file");
                /* uid 4242 resolves without an entry: gid 0, never the outside file's 4343. */
                assert_int_equal(ctr_user_resolve(fd, "4242", NULL, &u, &err), 0);
                assert_int_equal(u.uid, 4242);
                assert_int_equal(u.gid, 0);
                assert_int_equal(u.n_gids, 1);
                assert_string_equal(u.home, "/");
                ctr_user_done(&u);
                assert_int_equal(ctr_user_resolve(fd, "0:evilgrp", NULL, &u, &err), -EINVAL);
                close(fd);
        }
}

static void test_fifo(void **state) {
        struct ctrd_error err = { 0 };
        struct ctr_user u = { 0 };
        int fd = root_fd("fifo");
        (void) state;
        /* Must fail at once, not block on the FIFO. */
        assert_int_equal(ctr_user_resolve(fd, "root", NULL, &u, &err), -EINVAL);
        assert_string_equal(err.msg, "/etc/passwd in the container's rootfs is not a regular file");
        close(fd);
}

struct user_case {
        const char *spec;
        const char *group_add;  /* JSON or NULL */
        uid_t uid;
        gid_t gid;
        const char *gids;       /* expected supplementary gids, comma separated */
        const char *home;
};

static void test_resolve(void **state) {
        static const struct user_case cases[] = {
                { "", NULL, 0, 0, "0,10", "/root" },
                { "root", NULL, 0, 0, "0,10", "/root" },
                { "app", NULL, 1000, 1000, "1000,10,50", "/srv/app" },
                { "1000", NULL, 1000, 1000, "1000,10,50", "/srv/app" },
                /* an explicit group: no supplementary groups but the primary one */
                { "app:staff", NULL, 1000, 50, "50", "/srv/app" },
                { "1000:0", NULL, 1000, 0, "0", "/srv/app" },
                { "app:", NULL, 1000, 1000, "1000,10,50", "/srv/app" },
                { "5000:5001", NULL, 5000, 5001, "5001", "/" },
                /* a user called "2000" (uid 3000) is found by name before uid 2000 */
                { "2000", NULL, 3000, 3000, "3000", "/n" },
                { "5000", "[\"wheel\",\"77\",\"wheel\",\"0\"]", 5000, 0, "0,10,77", "/" },
        };
        (void) state;
        int fd = root_fd("in");
        for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
                struct ctrd_error err = { 0 };
                struct ctr_user u = { 0 };
                json_t *ga = cases[i].group_add ? json_loads(cases[i].group_add, 0, NULL) : NULL;
                if (ctr_user_resolve(fd, cases[i].spec, ga, &u, &err) < 0)
                        fail_msg("'%s': %s", cases[i].spec, err.msg);
                char gids[128] = "";
                for (size_t k = 0; k < u.n_gids; k++)
                        snprintf(gids + strlen(gids), sizeof(gids) - strlen(gids), "%s%u",
                                 k ? "," : "", (unsigned) u.gids[k]);
                if (u.uid != cases[i].uid || u.gid != cases[i].gid ||
                    strcmp(gids, cases[i].gids) || strcmp(u.home, cases[i].home))
                        fail_msg("'%s': got %u:%u [%s] %s", cases[i].spec, (unsigned) u.uid,
                                 (unsigned) u.gid, gids, u.home);
                ctr_user_done(&u);
                json_decref(ga);
        }
        close(fd);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_openat2),
                cmocka_unit_test(test_walk),
                cmocka_unit_test(test_no_host_passwd),
                cmocka_unit_test(test_fifo),
                cmocka_unit_test(test_resolve),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
