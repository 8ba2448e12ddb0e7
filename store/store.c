#include "store-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"

/* Long enough to ride out a checkpoint, short enough that a stuck peer is noticed. */
#define STORE_BUSY_TIMEOUT_MS 5000

int store_error(struct store *s, int rc, struct ctrd_error *err, const char *what) {
        int e;
        switch (rc & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
                e = EBUSY;
                break;
        case SQLITE_CONSTRAINT:
                e = EEXIST;
                break;
        case SQLITE_NOMEM:
                e = ENOMEM;
                break;
        case SQLITE_READONLY:
        case SQLITE_PERM:
                e = EROFS;
                break;
        case SQLITE_FULL:
                e = ENOSPC;
                break;
        case SQLITE_CANTOPEN:
                e = ENOENT;
                break;
        default:
                e = EIO;
        }
        return ctrd_error_set(err, e, "%s: %s", what,
                              s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
}

int store_prepare(struct store *s, const char *sql, sqlite3_stmt **ret, struct ctrd_error *err) {
        int rc = sqlite3_prepare_v2(s->db, sql, -1, ret, NULL);
        if (rc != SQLITE_OK)
                return store_error(s, rc, err, "preparing statement");
        return 0;
}

int store_exec(struct store *s, const char *sql, struct ctrd_error *err) {
        char *msg = NULL;
        int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
        if (rc != SQLITE_OK) {
                int r = store_error(s, rc, err, "executing SQL");
                sqlite3_free(msg);
                return r;
        }
        return 0;
}

int store_begin(struct store *s, struct ctrd_error *err) {
        return store_exec(s, "BEGIN IMMEDIATE", err);
}

int store_commit(struct store *s, struct ctrd_error *err) {
        return store_exec(s, "COMMIT", err);
}

void store_rollback(struct store *s) {
        /* Fails only when no transaction is open, which is what we want anyway. */
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static int store_configure(struct store *s, struct ctrd_error *err) {
        sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
        sqlite3_extended_result_codes(s->db, 1);
        /* journal_mode returns a row; sqlite3_exec ignores it. The page cache
         * is 512 KiB rather than SQLite's 2 MiB: the database is small and the
         * kernel caches its file anyway, and the daemon's resident size counts. */
        int r = store_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                              "PRAGMA foreign_keys=ON; PRAGMA cache_size=-512;", err);
        if (r < 0)
                return ctrd_error_wrap(err, "configuring database");
        return 0;
}

int store_open(const char *path, struct store **ret, struct ctrd_error *err) {
        _cleanup_free_ struct store *s = calloc(1, sizeof(*s));
        if (!s)
                return ctrd_error_set(err, ENOMEM, "out of memory");

        int rc = sqlite3_open_v2(path, &s->db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 NULL);
        if (rc != SQLITE_OK) {
                int r = store_error(s, rc, err, "opening database");
                sqlite3_close(s->db);
                ctrd_error_wrap(err, "'%s'", path);
                return r;
        }

        int r = store_configure(s, err);
        if (r >= 0)
                r = store_migrate(s, err);
        if (r < 0) {
                sqlite3_close(s->db);
                ctrd_error_wrap(err, "database '%s'", path);
                return r;
        }
        *ret = TAKE_PTR(s);
        return 0;
}

void store_close(struct store *s) {
        if (!s)
                return;
        sqlite3_close(s->db);
        free(s);
}

int store_schema_version(struct store *s) {
        return s->schema_version;
}
