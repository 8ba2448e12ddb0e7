/* What the typed accessors in store/ share; not for use outside store/. */
#pragma once

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "store.h"

struct store {
        sqlite3 *db;
        int schema_version;
};

/* Prepares sql; on failure fills err with SQLite's message. */
int store_prepare(struct store *s, const char *sql, sqlite3_stmt **ret, struct ctrd_error *err);

/* Runs statements that return no rows. */
int store_exec(struct store *s, const char *sql, struct ctrd_error *err);

/* Maps a SQLite result code to -errno and records SQLite's message with context. */
int store_error(struct store *s, int rc, struct ctrd_error *err, const char *what);

/* Applies every migration newer than the database's user_version, in one transaction. */
int store_migrate(struct store *s, struct ctrd_error *err);

/* Column i as text: a heap copy, or copied into buf; NULL columns read as "". */
static inline char *store_col_dup(sqlite3_stmt *st, int i) {
        const unsigned char *t = sqlite3_column_text(st, i);
        return strdup(t ? (const char *) t : "");
}

static inline void store_col_copy(sqlite3_stmt *st, int i, char *buf, size_t len) {
        const unsigned char *t = sqlite3_column_text(st, i);
        snprintf(buf, len, "%s", t ? (const char *) t : "");
}

static inline void sqlite3_finalizep(sqlite3_stmt **st) {
        sqlite3_finalize(*st);  /* NULL is a harmless no-op */
}
#define _cleanup_stmt_ __attribute__((cleanup(sqlite3_finalizep)))
