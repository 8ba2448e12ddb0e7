/* Unit tests for store/: open, pragmas, migrations, the engine ID. */
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
#include <sqlite3.h>

#include "cleanup.h"
#include "store/containers.h"
#include "store/store.h"

struct fixture {
        char dir[64];
        char path[128];
};

static int setup(void **state) {
        struct fixture *f = calloc(1, sizeof(*f));
        strcpy(f->dir, "/tmp/ctrd-test-store-XXXXXX");
        if (!mkdtemp(f->dir))
                return -1;
        snprintf(f->path, sizeof(f->path), "%s/ctrd.db", f->dir);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        struct fixture *f = *state;
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
        int r = system(cmd);
        free(f);
        return r == 0 ? 0 : -1;
}

static int pragma_int(const char *path, const char *sql) {
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        int v = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        sqlite3_close(db);
        return v;
}

static void test_open_migrates_to_latest(void **state) {
        struct fixture *f = *state;
        struct store *s = NULL;
        struct ctrd_error err = { 0 };
        assert_int_equal(store_open(f->path, &s, &err), 0);
        int latest = store_schema_version(s);
        assert_true(latest >= 1);
        store_close(s);
        assert_int_equal(pragma_int(f->path, "PRAGMA user_version"), latest);

        /* Reopening an up-to-date database applies nothing and keeps the version. */
        assert_int_equal(store_open(f->path, &s, &err), 0);
        assert_int_equal(store_schema_version(s), latest);
        store_close(s);
}

static void test_wal_mode(void **state) {
        struct fixture *f = *state;
        struct store *s = NULL;
        assert_int_equal(store_open(f->path, &s, NULL), 0);
        store_close(s);
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_string_equal((const char *) sqlite3_column_text(st, 0), "wal");
        sqlite3_finalize(st);
        sqlite3_close(db);
}

static void test_newer_schema_refused(void **state) {
        struct fixture *f = *state;
        sqlite3 *db = NULL;
        assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);

        struct store *s = NULL;
        struct ctrd_error err = { 0 };
        assert_int_equal(store_open(f->path, &s, &err), -EPROTO);
        assert_null(s);
        assert_non_null(strstr(err.msg, "schema version 999 is newer"));
        assert_non_null(strstr(err.msg, f->path));
        /* and the database was not touched */
        assert_int_equal(pragma_int(f->path, "PRAGMA user_version"), 999);
}

static void test_failed_migration_rolls_back(void **state) {
        struct fixture *f = *state;
        /* A table the first migration wants to create already exists: migration 1
         * fails, and the version must stay 0 with nothing half-applied. */
        sqlite3 *db = NULL;
        assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, "CREATE TABLE meta (x)", NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);

        struct store *s = NULL;
        struct ctrd_error err = { 0 };
        assert_true(store_open(f->path, &s, &err) < 0);
        assert_non_null(strstr(err.msg, "migration 1"));
        assert_int_equal(pragma_int(f->path, "PRAGMA user_version"), 0);
}

static void test_engine_id_is_stable(void **state) {
        struct fixture *f = *state;
        struct store *s = NULL;
        _cleanup_free_ char *a = NULL, *b = NULL;
        assert_int_equal(store_open(f->path, &s, NULL), 0);
        assert_int_equal(store_engine_id(s, &a, NULL), 0);
        store_close(s);
        assert_int_equal(store_open(f->path, &s, NULL), 0);
        assert_int_equal(store_engine_id(s, &b, NULL), 0);
        store_close(s);
        assert_string_equal(a, b);
        assert_int_equal(strlen(a), 12 * 4 + 11);
}

static void test_open_unwritable_path(void **state) {
        struct store *s = NULL;
        struct ctrd_error err = { 0 };
        assert_true(store_open("/nonexistent-dir-ctrd/x.db", &s, &err) < 0);
        assert_non_null(strstr(err.msg, "/nonexistent-dir-ctrd/x.db"));
}

static struct store_container make_container(const char *id, const char *name, int64_t created) {
        struct store_container c = { 0 };
        snprintf(c.id, sizeof(c.id), "%s", id);
        c.name = (char *) name;
        c.image = (char *) "busybox";
        c.image_id = (char *) "sha256:aaaa";
        c.created_ns = created;
        c.config = (char *) "{}";
        c.host_config = (char *) "{}";
        c.state = (char *) "created";
        return c;
}

static void test_container_records(void **state) {
        struct fixture *f = *state;
        struct store *s = NULL;
        struct ctrd_error err = { 0 };
        assert_int_equal(store_open(f->path, &s, NULL), 0);

        struct store_container a = make_container("aa11", "first", 1), b = make_container("bb22", "second", 2);
        assert_int_equal(store_container_add(s, &a, &err), 0);
        assert_int_equal(store_container_add(s, &b, &err), 0);
        struct store_container dup = make_container("cc33", "first", 3);
        assert_int_equal(store_container_add(s, &dup, &err), -EEXIST);

        struct store_container *l = NULL;
        size_t n = 0;
        assert_int_equal(store_container_list(s, &l, &n, &err), 0);
        assert_int_equal(n, 2);
        assert_string_equal(l[0].id, "bb22");   /* newest first */
        assert_string_equal(l[1].name, "first");
        store_container_list_free(l, n);

        a.state = (char *) "exited";
        a.exit_code = 3;
        a.oom_killed = true;
        snprintf(a.finished_at, sizeof(a.finished_at), "2026-11-29T00:00:00.000000001Z");
        assert_int_equal(store_container_update_state(s, &a, &err), 0);
        struct store_container got;
        assert_int_equal(store_container_get(s, "aa11", &got, &err), 0);
        assert_string_equal(got.state, "exited");
        assert_int_equal(got.exit_code, 3);
        assert_true(got.oom_killed);
        assert_string_equal(got.finished_at, "2026-11-29T00:00:00.000000001Z");
        store_container_clear(&got);

        assert_int_equal(store_container_rename(s, "aa11", "second", &err), -EEXIST);
        assert_int_equal(store_container_rename(s, "aa11", "third", &err), 0);
        int64_t count = 0;
        assert_int_equal(store_container_count_by_image(s, "sha256:aaaa", &count, &err), 0);
        assert_int_equal(count, 2);
        assert_int_equal(store_container_remove(s, "aa11", &err), 0);
        assert_int_equal(store_container_remove(s, "aa11", &err), -ENOENT);
        assert_int_equal(store_container_get(s, "aa11", &got, &err), -ENOENT);
        assert_string_equal(err.msg, "No such container: aa11");
        store_close(s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_open_migrates_to_latest, setup, teardown),
                cmocka_unit_test_setup_teardown(test_wal_mode, setup, teardown),
                cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
                cmocka_unit_test_setup_teardown(test_failed_migration_rolls_back, setup, teardown),
                cmocka_unit_test_setup_teardown(test_engine_id_is_stable, setup, teardown),
                cmocka_unit_test(test_open_unwritable_path),
                cmocka_unit_test_setup_teardown(test_container_records, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
