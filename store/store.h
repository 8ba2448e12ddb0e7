/*
 * The engine's records, in one SQLite database (DATA/ctrd.db): WAL,
 * busy_timeout, foreign keys on, schema versioned with PRAGMA user_version
 * and migrated in order at open (store/migrations.c). No SQL outside store/.
 * A struct store is used from the loop thread only.
 */
#pragma once

#include "error.h"

struct store;

/* Opens (creating if needed) the database at path and applies pending migrations. */
int store_open(const char *path, struct store **ret, struct ctrd_error *err);

/* Closes the database; accepts NULL. */
void store_close(struct store *s);

/* The schema version the database is at after open. */
int store_schema_version(struct store *s);

/* Multi-row changes go between these (BEGIN IMMEDIATE / COMMIT / ROLLBACK). */
int store_begin(struct store *s, struct ctrd_error *err);
int store_commit(struct store *s, struct ctrd_error *err);
void store_rollback(struct store *s);

/* The engine's stable ID (info "ID"), generated on first use and kept. */
int store_engine_id(struct store *s, char **ret, struct ctrd_error *err);
