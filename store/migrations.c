/*
 * The schema's history. Each entry moves the database from version i to i+1
 * (PRAGMA user_version). Entries are append-only: a released migration is
 * never edited, a change is a new entry. All pending migrations run in one
 * transaction, so a crash leaves the database at the old version or the new.
 */
#include "store-internal.h"

#include <errno.h>
#include <stdio.h>

#include "cleanup.h"
#include "macro.h"

static const char *const migrations[] = {
        /* 1: engine-wide key/value settings (the engine ID). */
        "CREATE TABLE meta ("
        "  key   TEXT PRIMARY KEY NOT NULL,"
        "  value TEXT NOT NULL"
        ") STRICT;",
        /* 2: images, their layers (shared, reference-counted) and their tags/digests. */
        "CREATE TABLE layers ("
        "  chain_id TEXT PRIMARY KEY NOT NULL,"
        "  diff_id  TEXT NOT NULL,"
        "  parent   TEXT REFERENCES layers(chain_id),"
        "  size     INTEGER NOT NULL,"
        "  tar_size INTEGER NOT NULL,"
        "  refcount INTEGER NOT NULL DEFAULT 0"
        ") STRICT;"
        "CREATE TABLE images ("
        "  id        TEXT PRIMARY KEY NOT NULL,"
        "  top_layer TEXT NOT NULL REFERENCES layers(chain_id),"
        "  created   INTEGER NOT NULL,"
        "  size      INTEGER NOT NULL"
        ") STRICT;"
        "CREATE TABLE image_refs ("
        "  ref       TEXT PRIMARY KEY NOT NULL,"
        "  image_id  TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
        "  is_digest INTEGER NOT NULL"
        ") STRICT;"
        "CREATE INDEX image_refs_by_image ON image_refs(image_id);",
        /* 3: containers; Config and HostConfig as JSON text, state as columns. */
        "CREATE TABLE containers ("
        "  id               TEXT PRIMARY KEY NOT NULL,"
        "  name             TEXT NOT NULL UNIQUE,"
        "  image            TEXT NOT NULL,"
        "  image_id         TEXT NOT NULL,"
        "  created_ns       INTEGER NOT NULL,"
        "  config           TEXT NOT NULL,"
        "  host_config      TEXT NOT NULL,"
        "  state            TEXT NOT NULL,"
        "  pid              INTEGER NOT NULL DEFAULT 0,"
        "  exit_code        INTEGER NOT NULL DEFAULT 0,"
        "  error            TEXT NOT NULL DEFAULT '',"
        "  oom_killed       INTEGER NOT NULL DEFAULT 0,"
        "  started_at       TEXT NOT NULL DEFAULT '',"
        "  finished_at      TEXT NOT NULL DEFAULT '',"
        "  restart_count    INTEGER NOT NULL DEFAULT 0,"
        "  manually_stopped INTEGER NOT NULL DEFAULT 0"
        ") STRICT;"
        "CREATE INDEX containers_by_image ON containers(image_id);",
        /* 4: networks and their endpoints; an endpoint's address is NULL until
         * allocated, and the partial unique index is what makes a duplicate
         * address impossible, whatever crashed in between. */
        "CREATE TABLE networks ("
        "  id        TEXT PRIMARY KEY NOT NULL,"
        "  name      TEXT NOT NULL UNIQUE,"
        "  driver    TEXT NOT NULL,"
        "  bridge    TEXT NOT NULL,"
        "  subnet    INTEGER NOT NULL,"
        "  prefix    INTEGER NOT NULL,"
        "  gateway   INTEGER NOT NULL,"
        "  range_lo  INTEGER NOT NULL,"
        "  range_hi  INTEGER NOT NULL,"
        "  mtu       INTEGER NOT NULL,"
        "  internal  INTEGER NOT NULL,"
        "  labels    TEXT NOT NULL,"
        "  options   TEXT NOT NULL,"
        "  created   TEXT NOT NULL"
        ") STRICT;"
        "CREATE TABLE endpoints ("
        "  network_id   TEXT NOT NULL REFERENCES networks(id) ON DELETE CASCADE,"
        "  container_id TEXT NOT NULL,"
        "  id           TEXT NOT NULL,"
        "  aliases      TEXT NOT NULL,"
        "  requested    INTEGER NOT NULL,"
        "  ip           INTEGER,"
        "  PRIMARY KEY (network_id, container_id)"
        ") STRICT;"
        "CREATE UNIQUE INDEX endpoints_ip ON endpoints(network_id, ip) WHERE ip IS NOT NULL;"
        "CREATE INDEX endpoints_by_container ON endpoints(container_id);",
};

static int read_user_version(struct store *s, int *ret, struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "PRAGMA user_version", &st, err);
        if (r < 0)
                return r;
        int rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
                return store_error(s, rc, err, "reading schema version");
        *ret = sqlite3_column_int(st, 0);
        return 0;
}

int store_migrate(struct store *s, struct ctrd_error *err) {
        const int latest = (int) ARRAY_SIZE(migrations);
        int version = 0;

        int r = store_begin(s, err);
        if (r < 0)
                return r;
        r = read_user_version(s, &version, err);
        if (r < 0)
                goto rollback;
        if (version > latest) {
                r = ctrd_error_set(err, EPROTO,
                                   "schema version %d is newer than this ctrd knows (%d); "
                                   "refusing to touch it", version, latest);
                goto rollback;
        }
        for (int i = version; i < latest; i++) {
                r = store_exec(s, migrations[i], err);
                if (r < 0) {
                        ctrd_error_wrap(err, "migration %d", i + 1);
                        goto rollback;
                }
        }
        if (version < latest) {
                char sql[64];
                snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", latest);
                r = store_exec(s, sql, err);
                if (r < 0)
                        goto rollback;
        }
        r = store_commit(s, err);
        if (r < 0)
                goto rollback;
        s->schema_version = latest;
        return 0;

rollback:
        store_rollback(s);
        return r;
}
