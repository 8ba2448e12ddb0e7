#include "networks.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "store-internal.h"

#define NET_COLUMNS "id, name, driver, bridge, subnet, prefix, gateway, range_lo, range_hi, mtu, " \
                    "internal, labels, options, created"
#define EP_COLUMNS "network_id, container_id, id, aliases, requested, ip"

void store_network_clear(struct store_network *n) {
        free(n->name);
        free(n->driver);
        free(n->bridge);
        free(n->labels);
        free(n->options);
        *n = (struct store_network) { 0 };
}

void store_network_list_free(struct store_network *l, size_t n) {
        for (size_t i = 0; i < n; i++)
                store_network_clear(&l[i]);
        free(l);
}

void store_endpoint_list_free(struct store_endpoint *l, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(l[i].aliases);
        free(l);
}

static int row_to_network(sqlite3_stmt *st, struct store_network *n) {
        *n = (struct store_network) { 0 };
        store_col_copy(st, 0, n->id, sizeof(n->id));
        n->name = store_col_dup(st, 1);
        n->driver = store_col_dup(st, 2);
        n->bridge = store_col_dup(st, 3);
        n->subnet = (uint32_t) sqlite3_column_int64(st, 4);
        n->prefix = sqlite3_column_int(st, 5);
        n->gateway = (uint32_t) sqlite3_column_int64(st, 6);
        n->range_lo = (uint32_t) sqlite3_column_int64(st, 7);
        n->range_hi = (uint32_t) sqlite3_column_int64(st, 8);
        n->mtu = sqlite3_column_int64(st, 9);
        n->internal = sqlite3_column_int(st, 10) != 0;
        n->labels = store_col_dup(st, 11);
        n->options = store_col_dup(st, 12);
        store_col_copy(st, 13, n->created, sizeof(n->created));
        if (!n->name || !n->driver || !n->bridge || !n->labels || !n->options) {
                store_network_clear(n);
                return -ENOMEM;
        }
        return 0;
}

/* Binds every column but the id at ?2..?14 (shared by add and update). */
static void bind_network(sqlite3_stmt *st, const struct store_network *n) {
        sqlite3_bind_text(st, 1, n->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, n->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, n->driver, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, n->bridge ? n->bridge : "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, n->subnet);
        sqlite3_bind_int(st, 6, n->prefix);
        sqlite3_bind_int64(st, 7, n->gateway);
        sqlite3_bind_int64(st, 8, n->range_lo);
        sqlite3_bind_int64(st, 9, n->range_hi);
        sqlite3_bind_int64(st, 10, n->mtu);
        sqlite3_bind_int(st, 11, n->internal);
        sqlite3_bind_text(st, 12, n->labels ? n->labels : "{}", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 13, n->options ? n->options : "{}", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 14, n->created, -1, SQLITE_STATIC);
}

static int step_done(struct store *s, sqlite3_stmt *st, const char *what, struct ctrd_error *err) {
        int rc = sqlite3_step(st);
        if (rc != SQLITE_DONE)
                return store_error(s, rc, err, what);
        return 0;
}

int store_network_add(struct store *s, const struct store_network *n, struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "INSERT INTO networks (" NET_COLUMNS ") VALUES (?1, ?2, ?3, ?4, "
                                 "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)", &st, err);
        if (r < 0)
                return r;
        bind_network(st, n);
        return step_done(s, st, "adding network", err);
}

int store_network_update(struct store *s, const struct store_network *n, struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "UPDATE networks SET name = ?2, driver = ?3, bridge = ?4, "
                                 "subnet = ?5, prefix = ?6, gateway = ?7, range_lo = ?8, "
                                 "range_hi = ?9, mtu = ?10, internal = ?11, labels = ?12, "
                                 "options = ?13, created = ?14 WHERE id = ?1", &st, err);
        if (r < 0)
                return r;
        bind_network(st, n);
        return step_done(s, st, "updating network", err);
}

int store_network_list(struct store *s, struct store_network **ret, size_t *ret_n,
                       struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "SELECT " NET_COLUMNS " FROM networks ORDER BY created, name",
                              &st, err);
        if (r < 0)
                return r;
        struct store_network *l = NULL;
        size_t n = 0;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                struct store_network *nl = realloc(l, (n + 1) * sizeof(*l));
                if (!nl || row_to_network(st, &nl[n]) < 0) {
                        store_network_list_free(nl ? nl : l, n);
                        return ctrd_error_set(err, ENOMEM, "out of memory listing networks");
                }
                l = nl;
                n++;
        }
        if (rc != SQLITE_DONE) {
                store_network_list_free(l, n);
                return store_error(s, rc, err, "listing networks");
        }
        *ret = l;
        *ret_n = n;
        return 0;
}

int store_network_remove(struct store *s, const char *id, struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "DELETE FROM networks WHERE id = ?1", &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        return step_done(s, st, "removing network", err);
}

int store_endpoint_put(struct store *s, const struct store_endpoint *ep, struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "INSERT INTO endpoints (" EP_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, "
                                 "NULL) ON CONFLICT (network_id, container_id) DO UPDATE SET "
                                 "aliases = excluded.aliases, requested = excluded.requested",
                              &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, ep->network_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, ep->container_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, ep->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, ep->aliases ? ep->aliases : "[]", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, ep->requested);
        return step_done(s, st, "adding endpoint", err);
}

int store_endpoint_list(struct store *s, const char *network_id, const char *container_id,
                        struct store_endpoint **ret, size_t *ret_n, struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "SELECT " EP_COLUMNS " FROM endpoints WHERE "
                                 "(?1 IS NULL OR network_id = ?1) AND (?2 IS NULL OR container_id = ?2) "
                                 "ORDER BY rowid", &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, network_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, container_id, -1, SQLITE_STATIC);
        struct store_endpoint *l = NULL;
        size_t n = 0;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                struct store_endpoint *nl = realloc(l, (n + 1) * sizeof(*l));
                if (!nl) {
                        store_endpoint_list_free(l, n);
                        return ctrd_error_set(err, ENOMEM, "out of memory listing endpoints");
                }
                l = nl;
                struct store_endpoint *ep = &l[n];
                *ep = (struct store_endpoint) { 0 };
                store_col_copy(st, 0, ep->network_id, sizeof(ep->network_id));
                store_col_copy(st, 1, ep->container_id, sizeof(ep->container_id));
                store_col_copy(st, 2, ep->id, sizeof(ep->id));
                ep->aliases = store_col_dup(st, 3);
                ep->requested = (uint32_t) sqlite3_column_int64(st, 4);
                ep->ip = (uint32_t) sqlite3_column_int64(st, 5);
                n++;
                if (!ep->aliases) {
                        store_endpoint_list_free(l, n);
                        return ctrd_error_set(err, ENOMEM, "out of memory listing endpoints");
                }
        }
        if (rc != SQLITE_DONE) {
                store_endpoint_list_free(l, n);
                return store_error(s, rc, err, "listing endpoints");
        }
        *ret = l;
        *ret_n = n;
        return 0;
}

int store_endpoint_remove(struct store *s, const char *network_id, const char *container_id,
                          struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "DELETE FROM endpoints WHERE network_id = ?1 AND container_id = ?2",
                              &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, network_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, container_id, -1, SQLITE_STATIC);
        r = step_done(s, st, "removing endpoint", err);
        if (r >= 0 && sqlite3_changes(s->db) == 0)
                return ctrd_error_set(err, ENOENT, "container %s is not connected to network %s",
                                      container_id, network_id);
        return r;
}

int store_endpoint_remove_container(struct store *s, const char *container_id,
                                    struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "DELETE FROM endpoints WHERE container_id = ?1", &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, container_id, -1, SQLITE_STATIC);
        return step_done(s, st, "removing endpoints", err);
}
