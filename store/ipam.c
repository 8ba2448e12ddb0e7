/*
 * IPv4 address management over the endpoints table. Every allocation is one
 * BEGIN IMMEDIATE transaction (so no other writer can interleave between
 * reading the used addresses and taking one), and the unique index
 * endpoints_ip refuses a duplicate even if a bug let one through. A crash
 * before COMMIT leaves nothing behind; one after leaves a record the daemon
 * releases at its next start if the container is not running.
 */
#include "networks.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>

#include "cleanup.h"
#include "store-internal.h"

struct ipam_plan {
        uint32_t lo, hi, gateway;
        char name[256];
};

static int load_plan(struct store *s, const char *network_id, struct ipam_plan *p,
                     struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "SELECT range_lo, range_hi, gateway, name FROM networks WHERE id = ?1",
                              &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, network_id, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
                return ctrd_error_set(err, ENOENT, "network %s not found", network_id);
        if (rc != SQLITE_ROW)
                return store_error(s, rc, err, "reading network");
        p->lo = (uint32_t) sqlite3_column_int64(st, 0);
        p->hi = (uint32_t) sqlite3_column_int64(st, 1);
        p->gateway = (uint32_t) sqlite3_column_int64(st, 2);
        snprintf(p->name, sizeof(p->name), "%s", (const char *) sqlite3_column_text(st, 3));
        return 0;
}

/* The endpoint's current and requested address. */
static int load_endpoint(struct store *s, const char *network_id, const char *container_id,
                         uint32_t *ret_ip, uint32_t *ret_requested, struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "SELECT ip, requested FROM endpoints WHERE network_id = ?1 AND "
                                 "container_id = ?2", &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, network_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, container_id, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
                return ctrd_error_set(err, ENOENT, "container %s has no endpoint on network %s",
                                      container_id, network_id);
        if (rc != SQLITE_ROW)
                return store_error(s, rc, err, "reading endpoint");
        *ret_ip = (uint32_t) sqlite3_column_int64(st, 0);
        *ret_requested = (uint32_t) sqlite3_column_int64(st, 1);
        return 0;
}

static void format_ip(uint32_t ip, char buf[INET_ADDRSTRLEN]) {
        struct in_addr a = { .s_addr = htonl(ip) };
        inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static int check_requested(struct store *s, const char *network_id, const struct ipam_plan *p,
                           uint32_t want, struct ctrd_error *err) {
        char buf[INET_ADDRSTRLEN];
        format_ip(want, buf);
        if (want < p->lo || want > p->hi || want == p->gateway)
                return ctrd_error_set(err, EINVAL, "requested address %s is not a free host "
                                      "address of network %s", buf, p->name);
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "SELECT 1 FROM endpoints WHERE network_id = ?1 AND ip = ?2",
                              &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, network_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, want);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
                return ctrd_error_set(err, EADDRINUSE, "Address already in use: %s on network %s",
                                      buf, p->name);
        return rc == SQLITE_DONE ? 0 : store_error(s, rc, err, "checking address");
}

/* The lowest address of the range that is neither the gateway nor taken (used ascending). */
static int pick_free(struct store *s, const char *network_id, const struct ipam_plan *p,
                     uint32_t *ret, struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "SELECT ip FROM endpoints WHERE network_id = ?1 AND ip IS NOT NULL "
                                 "ORDER BY ip", &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, network_id, -1, SQLITE_STATIC);
        uint64_t cand = p->lo;
        int rc = sqlite3_step(st);
        while (cand <= p->hi) {
                if (cand == p->gateway) {
                        cand++;
                        continue;
                }
                if (rc != SQLITE_ROW)
                        break;
                uint64_t used = (uint64_t) sqlite3_column_int64(st, 0);
                if (used > cand)
                        break;
                if (used == cand)
                        cand++;
                rc = sqlite3_step(st);
        }
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
                return store_error(s, rc, err, "reading used addresses");
        if (cand > p->hi)
                return ctrd_error_set(err, ENOSPC, "no available IPv4 addresses on network %s: "
                                      "all addresses of its range are in use", p->name);
        *ret = (uint32_t) cand;
        return 0;
}

static int set_ip(struct store *s, const char *network_id, const char *container_id, uint32_t ip,
                  struct ctrd_error *err) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = store_prepare(s, "UPDATE endpoints SET ip = ?3 WHERE network_id = ?1 AND "
                                 "container_id = ?2", &st, err);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, network_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, container_id, -1, SQLITE_STATIC);
        if (ip)
                sqlite3_bind_int64(st, 3, ip);
        else
                sqlite3_bind_null(st, 3);
        int rc = sqlite3_step(st);
        return rc == SQLITE_DONE ? 0 : store_error(s, rc, err, "setting endpoint address");
}

static int allocate_locked(struct store *s, const char *network_id, const char *container_id,
                           uint32_t *ret, struct ctrd_error *err) {
        struct ipam_plan p;
        uint32_t ip = 0, want = 0;
        int r = load_plan(s, network_id, &p, err);
        if (r >= 0)
                r = load_endpoint(s, network_id, container_id, &ip, &want, err);
        if (r < 0 || ip) {
                *ret = ip;
                return r;
        }
        if (want)
                r = check_requested(s, network_id, &p, want, err);
        else
                r = pick_free(s, network_id, &p, &want, err);
        if (r >= 0)
                r = set_ip(s, network_id, container_id, want, err);
        *ret = want;
        return r;
}

int store_ipam_allocate(struct store *s, const char *network_id, const char *container_id,
                        uint32_t *ret, struct ctrd_error *err) {
        int r = store_begin(s, err);
        if (r < 0)
                return r;
        r = allocate_locked(s, network_id, container_id, ret, err);
        if (r >= 0)
                r = store_commit(s, err);
        if (r < 0)
                store_rollback(s);
        return r;
}

int store_ipam_release(struct store *s, const char *network_id, const char *container_id,
                       struct ctrd_error *err) {
        return set_ip(s, network_id, container_id, 0, err);
}
