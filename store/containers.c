#include "containers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "store-internal.h"

#define COLUMNS "id, name, image, image_id, created_ns, config, host_config, state, pid, " \
                "exit_code, error, oom_killed, started_at, finished_at, restart_count, " \
                "manually_stopped"

void store_container_clear(struct store_container *c) {
        free(c->name);
        free(c->image);
        free(c->image_id);
        free(c->config);
        free(c->host_config);
        free(c->state);
        free(c->error);
        *c = (struct store_container) { 0 };
}

static int row_to_container(sqlite3_stmt *st, struct store_container *c, struct ctrd_error *err) {
        *c = (struct store_container) { 0 };
        store_col_copy(st, 0, c->id, sizeof(c->id));
        c->name = store_col_dup(st, 1);
        c->image = store_col_dup(st, 2);
        c->image_id = store_col_dup(st, 3);
        c->created_ns = sqlite3_column_int64(st, 4);
        c->config = store_col_dup(st, 5);
        c->host_config = store_col_dup(st, 6);
        c->state = store_col_dup(st, 7);
        c->pid = sqlite3_column_int64(st, 8);
        c->exit_code = sqlite3_column_int64(st, 9);
        c->error = store_col_dup(st, 10);
        c->oom_killed = sqlite3_column_int(st, 11) != 0;
        store_col_copy(st, 12, c->started_at, sizeof(c->started_at));
        store_col_copy(st, 13, c->finished_at, sizeof(c->finished_at));
        c->restart_count = sqlite3_column_int64(st, 14);
        c->manually_stopped = sqlite3_column_int(st, 15) != 0;
        if (!c->name || !c->image || !c->image_id || !c->config || !c->host_config ||
            !c->state || !c->error) {
                store_container_clear(c);
                return ctrd_error_set(err, ENOMEM, "out of memory reading a container record");
        }
        return 0;
}

/* Binds the state columns at ?2..?11 (shared by insert and update). */
static void bind_state(sqlite3_stmt *st, const struct store_container *c, int first) {
        sqlite3_bind_text(st, first, c->state, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, first + 1, c->pid);
        sqlite3_bind_int64(st, first + 2, c->exit_code);
        sqlite3_bind_text(st, first + 3, c->error ? c->error : "", -1, SQLITE_STATIC);
        sqlite3_bind_int(st, first + 4, c->oom_killed);
        sqlite3_bind_text(st, first + 5, c->started_at, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, first + 6, c->finished_at, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, first + 7, c->restart_count);
        sqlite3_bind_int(st, first + 8, c->manually_stopped);
}

int store_container_add(struct store *s, const struct store_container *c, struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "INSERT INTO containers (" COLUMNS ") VALUES "
                                 "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                              &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, c->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, c->image, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, c->image_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, c->created_ns);
        sqlite3_bind_text(st, 6, c->config, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, c->host_config, -1, SQLITE_STATIC);
        bind_state(st, c, 8);
        int rc = sqlite3_step(st);
        if (rc != SQLITE_DONE)
                return store_error(s, rc, err, "adding container");
        return 0;
}

int store_container_get(struct store *s, const char *id, struct store_container *ret,
                        struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "SELECT " COLUMNS " FROM containers WHERE id = ?1", &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
                return ctrd_error_set(err, ENOENT, "No such container: %s", id);
        if (rc != SQLITE_ROW)
                return store_error(s, rc, err, "reading container");
        return row_to_container(st, ret, err);
}

void store_container_list_free(struct store_container *l, size_t n) {
        for (size_t i = 0; i < n; i++)
                store_container_clear(&l[i]);
        free(l);
}

int store_container_list(struct store *s, struct store_container **ret, size_t *ret_n,
                         struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "SELECT " COLUMNS " FROM containers ORDER BY created_ns DESC",
                              &st, err);
        if (r < 0)
                return r;
        struct store_container *l = NULL;
        size_t n = 0, cap = 0;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                if (n == cap) {
                        cap = cap ? cap * 2 : 16;
                        struct store_container *nl = realloc(l, cap * sizeof(*l));
                        if (!nl) {
                                store_container_list_free(l, n);
                                return ctrd_error_set(err, ENOMEM, "out of memory listing containers");
                        }
                        l = nl;
                }
                r = row_to_container(st, &l[n], err);
                if (r < 0) {
                        store_container_list_free(l, n);
                        return r;
                }
                n++;
        }
        if (rc != SQLITE_DONE) {
                store_container_list_free(l, n);
                return store_error(s, rc, err, "listing containers");
        }
        *ret = l;
        *ret_n = n;
        return 0;
}

static int exec_one(struct store *s, sqlite3_stmt *st, const char *what, struct ctrd_error *err) {
        int rc = sqlite3_step(st);
        if (rc != SQLITE_DONE)
                return store_error(s, rc, err, what);
        if (sqlite3_changes(sqlite3_db_handle(st)) == 0)
                return ctrd_error_set(err, ENOENT, "%s: no such container", what);
        return 0;
}

int store_container_update_state(struct store *s, const struct store_container *c,
                                 struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "UPDATE containers SET state = ?2, pid = ?3, exit_code = ?4, "
                                 "error = ?5, oom_killed = ?6, started_at = ?7, finished_at = ?8, "
                                 "restart_count = ?9, manually_stopped = ?10 WHERE id = ?1",
                              &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
        bind_state(st, c, 2);
        return exec_one(s, st, "updating container state", err);
}

int store_container_rename(struct store *s, const char *id, const char *name,
                           struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "UPDATE containers SET name = ?2 WHERE id = ?1", &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
        return exec_one(s, st, "renaming container", err);
}

int store_container_remove(struct store *s, const char *id, struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "DELETE FROM containers WHERE id = ?1", &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        return exec_one(s, st, "removing container", err);
}

int store_container_count_by_image(struct store *s, const char *image_id, int64_t *ret,
                                   struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "SELECT count(*) FROM containers WHERE image_id = ?1", &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, image_id, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
                return store_error(s, rc, err, "counting containers");
        *ret = sqlite3_column_int64(st, 0);
        return 0;
}
