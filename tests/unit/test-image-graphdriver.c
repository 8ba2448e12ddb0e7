/*
 * Unit tests for daemon/layer-store.c and the storage drivers: layers are
 * unpacked into a temp data root and stacked by the overlay and copy
 * drivers. Mounting needs root; without it these tests skip.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <seccomp.h>

#include "daemon/graphdriver.h"
#include "daemon/layer-store.h"

struct fixture {
        char data[64];
        struct layer_store *ls;
};

static int setup(void **state) {
        struct fixture *f = calloc(1, sizeof(*f));
        struct ctrd_error err = { 0 };
        strcpy(f->data, "/tmp/test-image-gd-XXXXXX");
        assert_non_null(mkdtemp(f->data));
        assert_int_equal(layer_store_open(f->data, &f->ls, &err), 0);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        struct fixture *f = *state;
        char cmd[128];
        layer_store_free(f->ls);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->data);
        assert_int_equal(system(cmd), 0);
        free(f);
        return 0;
}

/* "path=data" makes a file, "path/" a directory; data NULL for a directory. */
static int layer_tar(struct fixture *f, const char *const *specs, size_t n) {
        char path[128];
        snprintf(path, sizeof(path), "%s/in.tar", f->data);
        struct archive *a = archive_write_new();
        archive_write_set_format_pax_restricted(a);
        assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
        for (size_t i = 0; i < n; i++) {
                struct archive_entry *e = archive_entry_new();
                const char *eq = strchr(specs[i], '=');
                char name[128];
                snprintf(name, sizeof(name), "%.*s", eq ? (int) (eq - specs[i]) : (int) strlen(specs[i]),
                         specs[i]);
                archive_entry_set_pathname(e, name);
                archive_entry_set_uid(e, getuid());     /* so the store test also runs unprivileged */
                archive_entry_set_gid(e, getgid());
                archive_entry_set_filetype(e, eq ? AE_IFREG : AE_IFDIR);
                archive_entry_set_perm(e, eq ? 0644 : 0755);
                archive_entry_set_size(e, eq ? (la_int64_t) strlen(eq + 1) : 0);
                assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
                if (eq && eq[1])
                        archive_write_data(a, eq + 1, strlen(eq + 1));
                archive_entry_free(e);
        }
        archive_write_close(a);
        archive_write_free(a);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        return fd;
}

static void unpack(struct fixture *f, const char *const *specs, size_t n, const char *parent,
                   struct layer_store_result *res) {
        struct ctrd_error err = { 0 };
        int fd = layer_tar(f, specs, n);
        if (layer_store_unpack(f->ls, fd, parent, NULL, false, res, &err) < 0)
                fail_msg("%s", err.msg);
        close(fd);
}

static char *slurp(const char *dir, const char *name) {
        static char buf[128];
        char p[256];
        snprintf(p, sizeof(p), "%s/%s", dir, name);
        FILE *fp = fopen(p, "r");
        if (!fp)
                return NULL;
        size_t k = fread(buf, 1, sizeof(buf) - 1, fp);
        buf[k] = '\0';
        fclose(fp);
        return buf;
}

static void test_store_dedupes_and_verifies(void **state) {
        struct fixture *f = *state;
        static const char *const base[] = { "etc/", "etc/hostname=base" };
        struct layer_store_result a, b;
        unpack(f, base, 2, NULL, &a);
        assert_false(a.existed);
        assert_string_equal(a.chain_id, a.diff_id);
        assert_true(layer_store_exists(f->ls, a.chain_id));
        unpack(f, base, 2, NULL, &b);
        assert_true(b.existed);
        assert_string_equal(a.chain_id, b.chain_id);

        /* A diffID that does not match what the image promises is refused and leaves nothing. */
        struct ctrd_error err = { 0 };
        int fd = layer_tar(f, base, 1);
        assert_int_equal(layer_store_unpack(f->ls, fd, NULL, a.diff_id, false, &b, &err), -EBADMSG);
        close(fd);
        char cmd[160];
        snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s/layers/tmp')\"", f->data);
        assert_int_equal(system(cmd), 0);

        assert_int_equal(layer_store_remove(f->ls, a.chain_id, &err), 0);
        assert_false(layer_store_exists(f->ls, a.chain_id));
        assert_int_equal(layer_store_remove(f->ls, a.chain_id, &err), 0);
}

/* Two layers: the top one deletes a file, hides a directory, and adds its own. */
static void two_layer_image(struct fixture *f, char ids[2][DIGEST_STR_LEN + 1]) {
        static const char *const lower[] = { "etc/", "etc/passwd=root", "etc/hostname=lower",
                                             "opt/", "opt/old=old" };
        static const char *const upper[] = { "etc/", "etc/.wh.passwd=", "etc/hostname=upper",
                                             "opt/", "opt/.wh..wh..opq=", "opt/new=new" };
        struct layer_store_result l, u;
        unpack(f, lower, 5, NULL, &l);
        unpack(f, upper, 6, l.chain_id, &u);
        assert_string_not_equal(u.chain_id, u.diff_id);
        strcpy(ids[0], l.chain_id);
        strcpy(ids[1], u.chain_id);
}

static void check_driver(struct fixture *f, const struct graphdriver *d) {
        char ids[2][DIGEST_STR_LEN + 1], dir[128], *rootfs = NULL;
        char *chain[2] = { ids[0], ids[1] };
        struct ctrd_error err = { 0 };
        two_layer_image(f, ids);
        snprintf(dir, sizeof(dir), "%s/container-%s", f->data, d->name);
        assert_int_equal(mkdir(dir, 0700), 0);
        if (graphdriver_prepare(d, f->ls, chain, 2, dir, &rootfs, &err) < 0)
                fail_msg("%s", err.msg);
        assert_null(slurp(rootfs, "etc/passwd"));
        assert_string_equal(slurp(rootfs, "etc/hostname"), "upper");
        assert_null(slurp(rootfs, "opt/old"));
        assert_string_equal(slurp(rootfs, "opt/new"), "new");
        /* Writes land in the container, never in a shared layer. */
        char p[256];
        snprintf(p, sizeof(p), "%s/etc/hostname", rootfs);
        FILE *w = fopen(p, "w");
        fputs("mine", w);
        fclose(w);
        char *lower_dir = layer_store_path(f->ls, ids[0], "diff");
        assert_string_equal(slurp(lower_dir, "etc/hostname"), "lower");
        free(lower_dir);
        assert_int_equal(d->release(dir, &err), 0);
        assert_int_equal(access(rootfs, F_OK), -1);
        assert_int_equal(d->release(dir, &err), 0);     /* twice is fine */
        free(rootfs);
}

static void test_overlay(void **state) {
        if (geteuid() != 0)
                skip();
        struct fixture *f = *state;
        if (graphdriver_detect(f->data) != &graphdriver_overlay)
                skip();
        check_driver(f, &graphdriver_overlay);
}

static void test_copy(void **state) {
        if (geteuid() != 0)
                skip();         /* chown to the archive's owners */
        check_driver(*state, graphdriver_by_name("copy"));
}

enum { DEEP = 150 };

/* 150 one-file layers, each on the one before. */
static void deep_image(struct fixture *f, char ids[DEEP][DIGEST_STR_LEN + 1], char *chain[DEEP]) {
        for (int i = 0; i < DEEP; i++) {
                char spec[32];
                snprintf(spec, sizeof(spec), "f%03d=%d", i, i);
                const char *specs[] = { spec };
                struct layer_store_result r;
                unpack(f, specs, 1, i ? ids[i - 1] : NULL, &r);
                strcpy(ids[i], r.chain_id);
                chain[i] = ids[i];
        }
}

/* Mounts the deep image and reads its bottom and top; 0 when all is well. */
static int mount_deep(struct fixture *f, char *chain[DEEP], const char *name, struct ctrd_error *err) {
        char dir[128], *rootfs = NULL;
        snprintf(dir, sizeof(dir), "%s/%s", f->data, name);
        if (mkdir(dir, 0700) < 0)
                return -errno;
        int r = graphdriver_prepare(&graphdriver_overlay, f->ls, chain, DEEP, dir, &rootfs, err);
        if (r < 0)
                return r;
        char *bottom = slurp(rootfs, "f000") ? strdup(slurp(rootfs, "f000")) : NULL;
        char *top = slurp(rootfs, "f149");
        r = bottom && top && strcmp(bottom, "0") == 0 && strcmp(top, "149") == 0 ? 0 : -EIO;
        free(bottom);
        free(rootfs);
        int k = graphdriver_overlay.release(dir, err);
        return r < 0 ? r : k;
}

/* 150 layers overflow a one-page "lowerdir=" of full paths; they must still mount. */
static void test_overlay_deep(void **state) {
        if (geteuid() != 0)
                skip();
        struct fixture *f = *state;
        if (graphdriver_detect(f->data) != &graphdriver_overlay)
                skip();
        static char ids[DEEP][DIGEST_STR_LEN + 1];
        char *chain[DEEP];
        struct ctrd_error err = { 0 };
        deep_image(f, ids, chain);
        if (mount_deep(f, chain, "deep", &err) < 0)
                fail_msg("%s", err.msg);

        /* Kernels without the new mount API get one option string naming layers by fd. */
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
                if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(fsopen), 0) < 0 ||
                    seccomp_load(ctx) < 0)
                        _exit(77);      /* no seccomp here: nothing to force */
                int r = mount_deep(f, chain, "deep-legacy", &err);
                if (r < 0)
                        fprintf(stderr, "# legacy mount: %s\n", err.msg);
                _exit(r < 0 ? 1 : 0);
        }
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        if (WEXITSTATUS(status) == 77)
                skip();
        assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_store_dedupes_and_verifies, setup, teardown),
                cmocka_unit_test_setup_teardown(test_overlay, setup, teardown),
                cmocka_unit_test_setup_teardown(test_copy, setup, teardown),
                cmocka_unit_test_setup_teardown(test_overlay_deep, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
