/*
 * Unit tests for daemon/layer-extract.c: archives are built here with
 * libarchive's writer, unpacked into a temp dir, and the result (and the
 * untouched world outside it) is checked.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <seccomp.h>

#include "daemon/digest.h"
#include "daemon/layer-extract.h"
#include "daemon/layer-whiteout.h"

enum kind { F, D, L, H, N, X };       /* file, dir, symlink, hardlink, node, file+xattr */

struct ent {
        enum kind kind;
        const char *path;
        const char *arg;        /* file data, link target, xattr name */
        unsigned mode;
        unsigned major, minor;
};

struct fixture {
        char top[64];           /* mkdtemp: holds root/, outside/ and the archives */
        char root[96];
        char outside[96];
        int rootfd;
};

static int setup(void **state) {
        struct fixture *f = calloc(1, sizeof(*f));
        strcpy(f->top, "/tmp/test-image-extract-XXXXXX");
        assert_non_null(mkdtemp(f->top));
        snprintf(f->root, sizeof(f->root), "%s/root", f->top);
        snprintf(f->outside, sizeof(f->outside), "%s/outside", f->top);
        assert_int_equal(mkdir(f->root, 0755), 0);
        assert_int_equal(mkdir(f->outside, 0755), 0);
        char victim[128];
        snprintf(victim, sizeof(victim), "%s/victim", f->outside);
        FILE *v = fopen(victim, "w");
        fputs("precious", v);
        fclose(v);
        f->rootfd = open(f->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        struct fixture *f = *state;
        char cmd[160];
        close(f->rootfd);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->top);
        assert_int_equal(system(cmd), 0);
        free(f);
        return 0;
}

/* Writes entries as a pax tar with the given filter into a file; returns a readable fd. */
static int build(struct fixture *f, const struct ent *ents, size_t n, int filter, char *path_out) {
        char path[128];
        snprintf(path, sizeof(path), "%s/layer-%d.tar", f->top, filter);
        struct archive *a = archive_write_new();
        archive_write_set_format_pax_restricted(a);
        if (filter == ARCHIVE_FILTER_GZIP)
                archive_write_add_filter_gzip(a);
        else if (filter == ARCHIVE_FILTER_ZSTD)
                archive_write_add_filter_zstd(a);
        assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
        for (size_t i = 0; i < n; i++) {
                struct archive_entry *e = archive_entry_new();
                archive_entry_set_pathname(e, ents[i].path);
                archive_entry_set_uid(e, getuid());
                archive_entry_set_gid(e, getgid());
                archive_entry_set_mtime(e, 1000000000 + (time_t) i, 0);
                archive_entry_set_perm(e, ents[i].mode ? ents[i].mode : 0644);
                size_t len = 0;
                switch (ents[i].kind) {
                case F:
                case X:
                        len = ents[i].kind == F && ents[i].arg ? strlen(ents[i].arg) : 0;
                        archive_entry_set_filetype(e, AE_IFREG);
                        archive_entry_set_size(e, (la_int64_t) len);
                        if (ents[i].kind == X)
                                archive_entry_xattr_add_entry(e, ents[i].arg, "v", 1);
                        break;
                case D:
                        archive_entry_set_filetype(e, AE_IFDIR);
                        break;
                case L:
                        archive_entry_set_filetype(e, AE_IFLNK);
                        archive_entry_set_symlink(e, ents[i].arg);
                        break;
                case H:
                        archive_entry_set_filetype(e, AE_IFREG);
                        archive_entry_set_hardlink(e, ents[i].arg);
                        break;
                case N:
                        archive_entry_set_filetype(e, ents[i].mode & 0100000 ? AE_IFBLK : AE_IFCHR);
                        archive_entry_set_perm(e, 0600);
                        archive_entry_set_rdevmajor(e, ents[i].major);
                        archive_entry_set_rdevminor(e, ents[i].minor);
                        break;
                }
                assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
                if (ents[i].kind == F && len > 0)
                        assert_int_equal(archive_write_data(a, ents[i].arg, len), (la_ssize_t) len);
                archive_entry_free(e);
        }
        assert_int_equal(archive_write_close(a), ARCHIVE_OK);
        archive_write_free(a);
        if (path_out)
                strcpy(path_out, path);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        return fd;
}

static int extract(struct fixture *f, const struct ent *ents, size_t n, int filter,
                   struct layer_extract_result *res, struct ctrd_error *err) {
        int fd = build(f, ents, n, filter, NULL);
        struct layer_extract_opts o = { 0 };
        int r = layer_extract(fd, f->rootfd, &o, res, err);
        close(fd);
        return r;
}

static char *slurp(const char *dir, const char *name) {
        static char buf[256];
        char p[256];
        snprintf(p, sizeof(p), "%s/%s", dir, name);
        FILE *fp = fopen(p, "r");
        if (!fp)
                return NULL;
        size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
        buf[n] = '\0';
        fclose(fp);
        return buf;
}

static void test_regular_tree(void **state) {
        struct fixture *f = *state;
        static const struct ent ents[] = {
                { D, "./", NULL, 0755, 0, 0 },
                { D, "bin/", NULL, 0750, 0, 0 },
                { F, "bin/busybox", "ELF", 04755, 0, 0 },
                { L, "bin/sh", "busybox", 0, 0, 0 },
                { L, "bin/abs", "/bin/busybox", 0, 0, 0 },
                { H, "bin/ls", "bin/busybox", 0, 0, 0 },
                { F, "deep/a/b/c", "no parent entries", 0600, 0, 0 },
                { F, "/etc/hostname", "abs", 0, 0, 0 },
                { X, "xattr-file", "user.ctrd", 0, 0, 0 },
        };
        struct layer_extract_result res;
        struct ctrd_error err = { 0 };
        if (extract(f, ents, sizeof(ents) / sizeof(*ents), ARCHIVE_FILTER_NONE, &res, &err) < 0)
                fail_msg("%s", err.msg);
        struct stat st, st2;
        assert_int_equal(fstatat(f->rootfd, "bin", &st, 0), 0);
        assert_int_equal(st.st_mode & 07777, 0750);
        assert_int_equal(st.st_mtime, 1000000001);      /* dir times survive their children */
        assert_int_equal(fstatat(f->rootfd, "bin/busybox", &st, 0), 0);
        assert_int_equal(st.st_mode & 07777, 04755);
        assert_int_equal(st.st_mtime, 1000000002);
        assert_int_equal(fstatat(f->rootfd, "bin/ls", &st2, 0), 0);
        assert_int_equal(st.st_ino, st2.st_ino);
        assert_int_equal(st.st_nlink, 2);
        char target[64] = { 0 };
        assert_int_equal(readlinkat(f->rootfd, "bin/abs", target, sizeof(target) - 1), 12);
        assert_string_equal(target, "/bin/busybox");
        assert_string_equal(slurp(f->root, "deep/a/b/c"), "no parent entries");
        assert_string_equal(slurp(f->root, "etc/hostname"), "abs");
        char v[8] = { 0 };
        char xp[160];
        snprintf(xp, sizeof(xp), "%s/xattr-file", f->root);
        assert_int_equal(getxattr(xp, "user.ctrd", v, sizeof(v)), 1);
        assert_string_equal(v, "v");
        assert_int_equal(res.size, 3 + 17 + 3);
}

/* sha256 of the decompressed kept copy, read back with libarchive as save does. */
static const char *kept_digest(const char *path, char out[DIGEST_STR_LEN + 1]) {
        struct archive *a = archive_read_new();
        struct archive_entry *e;
        struct digest_ctx ctx = { 0 };
        char buf[16384];
        la_ssize_t n;
        archive_read_support_filter_all(a);
        archive_read_support_format_raw(a);
        assert_int_equal(archive_read_open_filename(a, path, 16384), ARCHIVE_OK);
        assert_int_equal(archive_read_next_header(a, &e), ARCHIVE_OK);
        assert_int_equal(digest_init(&ctx), 0);
        while ((n = archive_read_data(a, buf, sizeof(buf))) > 0)
                digest_update(&ctx, buf, (size_t) n);
        assert_int_equal(n, 0);
        archive_read_free(a);
        assert_int_equal(digest_final(&ctx, out), 0);
        return out;
}

/* The diffID is the sha256 of the uncompressed tar, whatever the compression. */
static void test_digests_and_compression(void **state) {
        struct fixture *f = *state;
        static const struct ent ents[] = { { F, "hello", "hello world", 0, 0, 0 } };
        const int filters[] = { ARCHIVE_FILTER_NONE, ARCHIVE_FILTER_GZIP, ARCHIVE_FILTER_ZSTD };
        char plain_digest[DIGEST_STR_LEN + 1] = "";
        for (size_t i = 0; i < 3; i++) {
                char path[128];
                int fd = build(f, ents, 1, filters[i], path);
                struct layer_extract_result res;
                struct ctrd_error err = { 0 };
                char keep[160];
                snprintf(keep, sizeof(keep), "%s/kept-%zu", f->top, i);
                struct layer_extract_opts o = { .keep_tar_path = keep };
                if (layer_extract(fd, f->rootfd, &o, &res, &err) < 0)
                        fail_msg("%s", err.msg);
                close(fd);
                /* The blob digest is the file as read. */
                char cmd[512], want[DIGEST_STR_LEN + 1];
                snprintf(cmd, sizeof(cmd), "sha256sum < '%s'", path);
                FILE *p = popen(cmd, "r");
                strcpy(want, "sha256:");
                assert_non_null(fgets(want + 7, DIGEST_HEX_LEN + 1, p));
                pclose(p);
                assert_string_equal(res.blob_digest, want);
                if (i == 0) {
                        strcpy(plain_digest, want);
                        assert_string_equal(res.diff_id, res.blob_digest);
                } else {
                        assert_string_equal(res.diff_id, plain_digest);
                        assert_string_not_equal(res.blob_digest, plain_digest);
                }
                /* The kept copy decompresses to exactly the bytes the diffID names. */
                assert_string_equal(kept_digest(keep, want), res.diff_id);
                assert_string_equal(slurp(f->root, "hello"), "hello world");
        }
}

static void test_whiteouts(void **state) {
        struct fixture *f = *state;
        static const struct ent ents[] = {
                { D, "etc/", NULL, 0755, 0, 0 },
                { F, "etc/.wh.passwd", "", 0, 0, 0 },
                { D, "opt/", NULL, 0755, 0, 0 },
                { F, "opt/.wh..wh..opq", "", 0, 0, 0 },
                { F, ".wh..wh.plnk", "", 0, 0, 0 },
        };
        struct layer_extract_result res;
        struct ctrd_error err = { 0 };
        if (extract(f, ents, sizeof(ents) / sizeof(*ents), ARCHIVE_FILTER_NONE, &res, &err) < 0) {
                if (geteuid() != 0 && err.code == EPERM)
                        skip();         /* trusted.* xattrs need CAP_SYS_ADMIN */
                fail_msg("%s", err.msg);
        }
        struct stat st;
        assert_int_equal(fstatat(f->rootfd, "etc/passwd", &st, AT_SYMLINK_NOFOLLOW), 0);
        assert_true(S_ISCHR(st.st_mode));
        assert_int_equal(st.st_rdev, makedev(0, 0));
        assert_int_equal(fstatat(f->rootfd, "etc/.wh.passwd", &st, 0), -1);
        char p[160], v[4] = { 0 };
        snprintf(p, sizeof(p), "%s/opt", f->root);
        assert_int_equal(getxattr(p, LAYER_OPAQUE_XATTR, v, sizeof(v)), 1);
        assert_string_equal(v, "y");
        assert_int_equal(fstatat(f->rootfd, "opt/.wh..wh..opq", &st, 0), -1);
        assert_int_equal(fstatat(f->rootfd, ".wh..wh.plnk", &st, 0), -1);
}

/* Lists everything under dir (recursively) into a string, to compare before and after. */
static void snapshot(const char *dir, char *out, size_t size) {
        char cmd[200];
        snprintf(cmd, sizeof(cmd), "cd '%s' && find . -path ./root -prune -o ! -name 'layer-*' "
                 "-print | sort; cat outside/victim; stat -c '%%i %%h %%s %%Y' /etc/passwd /etc; ls /",
                 dir);
        FILE *p = popen(cmd, "r");
        size_t n = fread(out, 1, size - 1, p);
        out[n] = '\0';
        pclose(p);
}

struct hostile {
        const char *what;
        struct ent ents[3];
        size_t n;
        const char *msg;        /* a part of the expected error */
};

static const struct hostile hostile_cases[] = {
        { "dotdot", { { F, "../outside/victim", "pwned", 0, 0, 0 } }, 1,
          "points outside the layer" },
        { "dotdot inside", { { F, "a/../../outside/new", "pwned", 0, 0, 0 } }, 1,
          "points outside the layer" },
        { "symlink breakout", { { L, "up", "../outside", 0, 0, 0 } }, 1,
          "symlink to '../outside' points outside the layer" },
        { "deep symlink breakout", { { L, "a/b", "../../../", 0, 0, 0 } }, 1,
          "points outside the layer" },
        { "write through absolute symlink",
          { { L, "link", "/", 0, 0, 0 }, { F, "link/escaped", "x", 0, 0, 0 } }, 2, NULL },
        { "write through dangling symlink",
          { { L, "d", "/nonexistent-dir-ctrd", 0, 0, 0 },
            { F, "d/escaped", "x", 0, 0, 0 } }, 2, "" },
        { "hardlink breakout", { { H, "hl", "../outside/victim", 0, 0, 0 } }, 1,
          "hardlink to '../outside/victim' points outside the layer" },
        { "hardlink to absolute host path", { { H, "hl", "/etc/passwd", 0, 0, 0 } }, 1,
          "hardlink target '/etc/passwd'" },
        { "hardlink through symlink",
          { { L, "s", "/etc", 0, 0, 0 }, { H, "hl", "s/passwd", 0, 0, 0 } }, 2,
          "hardlink target" },
        { "block device", { { N, "sda", NULL, 0100000, 8, 0 } }, 1,
          "device nodes are not allowed" },
        { "char device", { { N, "mem", NULL, 0, 1, 1 } }, 1, "device nodes are not allowed" },
        { "overlay xattr", { { X, "redir", "trusted.overlay.redirect", 0, 0, 0 } }, 1,
          "refusing xattr 'trusted.overlay.redirect'" },
        { "replace file with symlink then write",
          { { F, "x", "1", 0, 0, 0 }, { L, "x", "/etc/passwd", 0, 0, 0 },
            { F, "x", "2", 0, 0, 0 } }, 3, NULL },
        { "bad whiteout", { { F, ".wh..", "", 0, 0, 0 } }, 1, "invalid whiteout name" },
};

static void test_hostile_table(void **state) {
        struct fixture *f = *state;
        char before[4096], after[4096];
        snapshot(f->top, before, sizeof(before));
        const struct hostile *cases = hostile_cases;
        for (size_t i = 0; i < sizeof(hostile_cases) / sizeof(*hostile_cases); i++) {
                struct layer_extract_result res;
                struct ctrd_error err = { 0 };
                int r = extract(f, cases[i].ents, cases[i].n, ARCHIVE_FILTER_NONE, &res, &err);
                if (cases[i].msg && r >= 0)
                        fail_msg("%s: extracted", cases[i].what);
                if (!cases[i].msg && r < 0)
                        fail_msg("%s: %s", cases[i].what, err.msg);
                if (cases[i].msg && !strstr(err.msg, cases[i].msg))
                        fail_msg("%s: unexpected error '%s'", cases[i].what, err.msg);
                snapshot(f->top, after, sizeof(after));
                if (strcmp(before, after) != 0)
                        fail_msg("%s: the world outside the layer changed:\n%s\n---\n%s",
                                 cases[i].what, before, after);
                assert_string_equal(slurp(f->outside, "victim"), "precious");
                assert_int_equal(access("/nonexistent-dir-ctrd", F_OK), -1);
                snapshot(f->top, before, sizeof(before));
        }
        /* The one that wrote through "/" landed inside the root. */
        assert_string_equal(slurp(f->root, "escaped"), "x");
        assert_string_equal(slurp(f->root, "x"), "2");
}

/*
 * Without openat2 (old kernels, forced here with a seccomp filter that makes
 * it fail with ENOSYS) the extractor walks paths itself: every hostile
 * archive must still leave the world outside the layer alone, whether it is
 * refused or contained. Runs in a child so the filter stays there.
 */
static void test_hostile_without_openat2(void **state) {
        struct fixture *f = *state;
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
                if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(openat2), 0) < 0 ||
                    seccomp_load(ctx) < 0)
                        _exit(77);      /* no seccomp here: nothing to force */
                char before[4096], after[4096];
                snapshot(f->top, before, sizeof(before));
                for (size_t i = 0; i < sizeof(hostile_cases) / sizeof(*hostile_cases); i++) {
                        struct layer_extract_result res;
                        struct ctrd_error err = { 0 };
                        (void) extract(f, hostile_cases[i].ents, hostile_cases[i].n,
                                       ARCHIVE_FILTER_NONE, &res, &err);
                        snapshot(f->top, after, sizeof(after));
                        if (strcmp(before, after) != 0 || strcmp(slurp(f->outside, "victim"), "precious")) {
                                fprintf(stderr, "# %s changed the world without openat2\n",
                                        hostile_cases[i].what);
                                _exit(1);
                        }
                }
                _exit(0);
        }
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        if (WEXITSTATUS(status) == 77)
                skip();
        assert_int_equal(WEXITSTATUS(status), 0);
}

/* GNU tar's sparse format (tar -S): the holes stay holes after extraction. */
static void test_sparse_file(void **state) {
        struct fixture *f = *state;
        char cmd[512], path[128];
        snprintf(cmd, sizeof(cmd), "cd '%s' && mkdir sp && truncate -s 64M sp/big && "
                 "printf end >> sp/big && tar -S -C sp -cf sparse.tar big", f->top);
        if (system(cmd) != 0)
                skip();         /* no GNU tar */
        snprintf(path, sizeof(path), "%s/sparse.tar", f->top);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct layer_extract_result res;
        struct ctrd_error err = { 0 };
        if (layer_extract(fd, f->rootfd, NULL, &res, &err) < 0)
                fail_msg("%s", err.msg);
        close(fd);
        struct stat st;
        assert_int_equal(fstatat(f->rootfd, "big", &st, 0), 0);
        assert_int_equal(st.st_size, 64 * 1024 * 1024 + 3);
        assert_true(st.st_blocks * 512 < 1024 * 1024);
        snprintf(cmd, sizeof(cmd), "tail -c 3 '%s/big' | grep -qx end", f->root);
        assert_int_equal(system(cmd), 0);
}

/* With devices allowed, they may live under dev/ only. */
static void test_devices_only_under_dev(void **state) {
        if (geteuid() != 0)
                skip();         /* mknod needs CAP_MKNOD */
        struct fixture *f = *state;
        static const struct ent ok[] = { { D, "dev/", NULL, 0755, 0, 0 }, { N, "dev/null", NULL, 0, 1, 3 } };
        static const struct ent relink[] = { { H, "null2", "dev/null", 0, 0, 0 } };
        static const struct ent bad[] = { { N, "disk", NULL, 0100000, 8, 0 } };
        /* A "dev" that is a symlink to the root does not make the root /dev. */
        static const struct ent sneaky[] = { { L, "dev", "/", 0, 0, 0 }, { N, "dev/mem", NULL, 0, 1, 1 } };
        struct layer_extract_opts o = { .allow_devices = true };
        struct layer_extract_result res;
        struct ctrd_error err = { 0 };
        int fd = build(f, ok, 2, ARCHIVE_FILTER_NONE, NULL);
        if (layer_extract(fd, f->rootfd, &o, &res, &err) < 0)
                fail_msg("%s", err.msg);
        close(fd);
        struct stat st;
        assert_int_equal(fstatat(f->rootfd, "dev/null", &st, AT_SYMLINK_NOFOLLOW), 0);
        assert_true(S_ISCHR(st.st_mode));
        assert_int_equal(st.st_rdev, makedev(1, 3));
        fd = build(f, bad, 1, ARCHIVE_FILTER_NONE, NULL);
        assert_int_equal(layer_extract(fd, f->rootfd, &o, &res, &err), -EPERM);
        assert_non_null(strstr(err.msg, "device nodes are not allowed outside /dev"));
        close(fd);
        assert_int_equal(fstatat(f->rootfd, "disk", &st, AT_SYMLINK_NOFOLLOW), -1);
        fd = build(f, relink, 1, ARCHIVE_FILTER_NONE, NULL);
        assert_int_equal(layer_extract(fd, f->rootfd, &o, &res, &err), -EPERM);
        close(fd);
        assert_int_equal(fstatat(f->rootfd, "null2", &st, AT_SYMLINK_NOFOLLOW), -1);
        assert_int_equal(unlinkat(f->rootfd, "dev/null", 0), 0);
        assert_int_equal(unlinkat(f->rootfd, "dev", AT_REMOVEDIR), 0);
        fd = build(f, sneaky, 2, ARCHIVE_FILTER_NONE, NULL);
        assert_int_equal(layer_extract(fd, f->rootfd, &o, &res, &err), -EPERM);
        close(fd);
        assert_int_equal(fstatat(f->rootfd, "mem", &st, AT_SYMLINK_NOFOLLOW), -1);
}

static void test_garbage_is_refused(void **state) {
        struct fixture *f = *state;
        char path[128];
        snprintf(path, sizeof(path), "%s/garbage", f->top);
        FILE *g = fopen(path, "w");
        for (int i = 0; i < 2000; i++)
                fputc('A' + i % 26, g);
        fclose(g);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct layer_extract_result res;
        struct ctrd_error err = { 0 };
        assert_true(layer_extract(fd, f->rootfd, NULL, &res, &err) < 0);
        assert_non_null(strstr(err.msg, "reading the layer"));
        close(fd);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_regular_tree, setup, teardown),
                cmocka_unit_test_setup_teardown(test_digests_and_compression, setup, teardown),
                cmocka_unit_test_setup_teardown(test_whiteouts, setup, teardown),
                cmocka_unit_test_setup_teardown(test_hostile_table, setup, teardown),
                cmocka_unit_test_setup_teardown(test_hostile_without_openat2, setup, teardown),
                cmocka_unit_test_setup_teardown(test_sparse_file, setup, teardown),
                cmocka_unit_test_setup_teardown(test_devices_only_under_dev, setup, teardown),
                cmocka_unit_test_setup_teardown(test_garbage_is_refused, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
