/* Engine-wide settings kept in the meta table. */
#include "store-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "cleanup.h"

static int meta_get(struct store *s, const char *key, char **ret, struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "SELECT value FROM meta WHERE key = ?1", &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
                return ctrd_error_set(err, ENOENT, "no setting '%s'", key);
        if (rc != SQLITE_ROW)
                return store_error(s, rc, err, "reading setting");
        char *v = strdup((const char *) sqlite3_column_text(st, 0));
        if (!v)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        *ret = v;
        return 0;
}

/* Inserts key only if absent, so two racing first starts agree on one value. */
static int meta_insert(struct store *s, const char *key, const char *value,
                       struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "INSERT OR IGNORE INTO meta(key, value) VALUES (?1, ?2)", &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc != SQLITE_DONE)
                return store_error(s, rc, err, "writing setting");
        return 0;
}

/* Docker shows its engine ID as 12 colon-separated groups of 4 base32 chars. */
static int generate_engine_id(char buf[60], struct ctrd_error *err) {
        static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        unsigned char rnd[48];
        if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t) sizeof(rnd))
                return ctrd_error_sys(err, errno, "getting random bytes for the engine ID");
        size_t o = 0;
        for (size_t i = 0; i < sizeof(rnd); i++) {
                if (i > 0 && i % 4 == 0)
                        buf[o++] = ':';
                buf[o++] = alphabet[rnd[i] % 32];
        }
        buf[o] = '\0';
        return 0;
}

int store_engine_id(struct store *s, char **ret, struct ctrd_error *err) {
        int r = meta_get(s, "engine_id", ret, NULL);
        if (r != -ENOENT)
                return r < 0 ? meta_get(s, "engine_id", ret, err) : 0;

        char id[60];
        r = generate_engine_id(id, err);
        if (r < 0)
                return r;
        r = meta_insert(s, "engine_id", id, err);
        if (r < 0)
                return r;
        return meta_get(s, "engine_id", ret, err);
}
