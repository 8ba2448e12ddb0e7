#include "images.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "store-internal.h"

static void copy_text(char dst[STORE_DIGEST_MAX], sqlite3_stmt *st, int col) {
        const char *t = (const char *) sqlite3_column_text(st, col);
        snprintf(dst, STORE_DIGEST_MAX, "%s", t ? t : "");
}

static int step_done(struct store *s, sqlite3_stmt *st, struct ctrd_error *err, const char *what) {
        int rc = sqlite3_step(st);
        if (rc != SQLITE_DONE)
                return store_error(s, rc, err, what);
        return 0;
}

int store_layer_add(struct store *s, const struct store_layer *l, struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "INSERT OR IGNORE INTO layers(chain_id, diff_id, parent, size, "
                              "tar_size, refcount) VALUES (?1, ?2, NULLIF(?3, ''), ?4, ?5, 0)",
                              &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, l->chain_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, l->diff_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, l->parent, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, l->size);
        sqlite3_bind_int64(st, 5, l->tar_size);
        return step_done(s, st, err, "recording layer");
}

int store_layer_get(struct store *s, const char *chain_id, struct store_layer *ret,
                    struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "SELECT chain_id, diff_id, parent, size, tar_size, refcount "
                              "FROM layers WHERE chain_id = ?1", &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, chain_id, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
                return ctrd_error_set(err, ENOENT, "no such layer: %s", chain_id);
        if (rc != SQLITE_ROW)
                return store_error(s, rc, err, "reading layer");
        copy_text(ret->chain_id, st, 0);
        copy_text(ret->diff_id, st, 1);
        copy_text(ret->parent, st, 2);
        ret->size = sqlite3_column_int64(st, 3);
        ret->tar_size = sqlite3_column_int64(st, 4);
        ret->refcount = sqlite3_column_int64(st, 5);
        return 0;
}

int store_layer_ref_chain(struct store *s, const char *chain_id, int delta, struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        /* The recursive CTE walks parent links from chain_id to the bottom layer. */
        int r = store_prepare(s, "WITH RECURSIVE chain(id) AS (SELECT ?1 UNION ALL "
                              "SELECT l.parent FROM layers l JOIN chain c ON l.chain_id = c.id "
                              "WHERE l.parent IS NOT NULL) "
                              "UPDATE layers SET refcount = refcount + ?2 "
                              "WHERE chain_id IN (SELECT id FROM chain)", &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, chain_id, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, delta);
        r = step_done(s, st, err, "counting layer references");
        if (r >= 0 && sqlite3_changes(s->db) == 0)
                return ctrd_error_set(err, ENOENT, "no such layer: %s", chain_id);
        return r;
}

static int collect_strings(struct store *s, sqlite3_stmt *st, char ***ret, struct ctrd_error *err) {
        size_t n = 0;
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));
        int rc;
        if (!l)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                char **nl = reallocarray(l, n + 2, sizeof(char *));
                if (!nl)
                        return ctrd_error_set(err, ENOMEM, "out of memory");
                l = nl;
                l[n] = strdup((const char *) sqlite3_column_text(st, 0));
                l[n + 1] = NULL;
                if (!l[n++])
                        return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        if (rc != SQLITE_DONE)
                return store_error(s, rc, err, "listing");
        *ret = TAKE_PTR(l);
        return 0;
}

int store_layer_list_unused(struct store *s, char ***ret, struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        /* Children before parents, so a parent is never removed while a child points at it. */
        int r = store_prepare(s, "WITH RECURSIVE depth(id, d) AS ("
                              "SELECT chain_id, 0 FROM layers WHERE parent IS NULL UNION ALL "
                              "SELECT l.chain_id, depth.d + 1 FROM layers l JOIN depth "
                              "ON l.parent = depth.id) "
                              "SELECT l.chain_id FROM layers l JOIN depth ON depth.id = l.chain_id "
                              "WHERE l.refcount <= 0 ORDER BY depth.d DESC", &st, err);
        if (r < 0)
                return r;
        return collect_strings(s, st, ret, err);
}

int store_layer_remove(struct store *s, const char *chain_id, struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "DELETE FROM layers WHERE chain_id = ?1", &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, chain_id, -1, SQLITE_STATIC);
        return step_done(s, st, err, "removing layer");
}

int store_image_add(struct store *s, const struct store_image *img, struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "INSERT INTO images(id, top_layer, created, size) "
                              "VALUES (?1, ?2, ?3, ?4)", &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, img->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, img->top_layer, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, img->created);
        sqlite3_bind_int64(st, 4, img->size);
        return step_done(s, st, err, "recording image");
}

static void read_image(sqlite3_stmt *st, struct store_image *ret) {
        copy_text(ret->id, st, 0);
        copy_text(ret->top_layer, st, 1);
        ret->created = sqlite3_column_int64(st, 2);
        ret->size = sqlite3_column_int64(st, 3);
}

#define IMAGE_COLUMNS "SELECT id, top_layer, created, size FROM images "

int store_image_get(struct store *s, const char *id, struct store_image *ret,
                    struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, IMAGE_COLUMNS "WHERE id = ?1", &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
                return ctrd_error_set(err, ENOENT, "No such image: %s", id);
        if (rc != SQLITE_ROW)
                return store_error(s, rc, err, "reading image");
        read_image(st, ret);
        return 0;
}

int store_image_find_prefix(struct store *s, const char *hex_prefix, struct store_image *ret,
                            struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        /* substr() rather than LIKE: '_' and '%' in the prefix must not be wildcards. */
        int r = store_prepare(s, IMAGE_COLUMNS "WHERE substr(id, 8, length(?1)) = ?1 LIMIT 2",
                              &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, hex_prefix, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
                return ctrd_error_set(err, ENOENT, "No such image: %s", hex_prefix);
        if (rc != SQLITE_ROW)
                return store_error(s, rc, err, "reading image");
        read_image(st, ret);
        if (sqlite3_step(st) == SQLITE_ROW)
                return ctrd_error_set(err, ENOENT, "No such image: %s (the ID prefix is ambiguous)",
                                      hex_prefix);
        return 0;
}

int store_image_list(struct store *s, struct store_image **ret, size_t *ret_n,
                     struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        _cleanup_free_ struct store_image *l = NULL;
        size_t n = 0;
        int rc, r = store_prepare(s, IMAGE_COLUMNS "ORDER BY created DESC, id", &st, err);
        if (r < 0)
                return r;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                struct store_image *nl = reallocarray(l, n + 1, sizeof(*l));
                if (!nl)
                        return ctrd_error_set(err, ENOMEM, "out of memory");
                l = nl;
                read_image(st, &l[n++]);
        }
        if (rc != SQLITE_DONE)
                return store_error(s, rc, err, "listing images");
        *ret = TAKE_PTR(l);
        *ret_n = n;
        return 0;
}

int store_image_remove(struct store *s, const char *id, struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        /* image_refs rows go with it: ON DELETE CASCADE. */
        int r = store_prepare(s, "DELETE FROM images WHERE id = ?1", &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        return step_done(s, st, err, "removing image");
}

int store_ref_set(struct store *s, const char *ref, const char *image_id, bool is_digest,
                  struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "INSERT INTO image_refs(ref, image_id, is_digest) "
                              "VALUES (?1, ?2, ?3) ON CONFLICT(ref) DO UPDATE SET "
                              "image_id = excluded.image_id", &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, image_id, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, is_digest);
        return step_done(s, st, err, "recording reference");
}

int store_ref_get(struct store *s, const char *ref, char ret[STORE_DIGEST_MAX],
                  struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "SELECT image_id FROM image_refs WHERE ref = ?1", &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
                return ctrd_error_set(err, ENOENT, "No such image: %s", ref);
        if (rc != SQLITE_ROW)
                return store_error(s, rc, err, "reading reference");
        copy_text(ret, st, 0);
        return 0;
}

int store_ref_remove(struct store *s, const char *ref, struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "DELETE FROM image_refs WHERE ref = ?1", &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
        r = step_done(s, st, err, "removing reference");
        if (r >= 0 && sqlite3_changes(s->db) == 0)
                return ctrd_error_set(err, ENOENT, "No such image: %s", ref);
        return r;
}

int store_ref_list(struct store *s, const char *image_id, bool digests, char ***ret,
                   struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "SELECT ref FROM image_refs WHERE image_id = ?1 AND "
                              "is_digest = ?2 ORDER BY ref", &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, image_id, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, digests);
        return collect_strings(s, st, ret, err);
}
