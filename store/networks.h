/*
 * Networks and their endpoints (one per container and network), with the
 * address management that must survive crashes: an address is taken inside
 * one IMMEDIATE transaction, and a unique index on (network, address) makes
 * a duplicate impossible even if two writers raced. Addresses are IPv4 in
 * host byte order.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct store;

struct store_network {
        char id[65];
        char *name;
        char *driver;                   /* "bridge", "host", "null" */
        char *bridge;                   /* the Linux bridge's name ("" for host/null) */
        uint32_t subnet;
        int prefix;
        uint32_t gateway;
        uint32_t range_lo, range_hi;    /* addresses handed out: IPAM.Config IPRange or the subnet */
        int64_t mtu;
        bool internal;
        char *labels;                   /* JSON object text */
        char *options;                  /* JSON object text */
        char created[40];
};

struct store_endpoint {
        char network_id[65];
        char container_id[65];
        char id[65];
        char *aliases;                  /* JSON array text */
        uint32_t requested;             /* IPAMConfig.IPv4Address, 0 = any */
        uint32_t ip;                    /* 0 = none allocated */
};

void store_network_clear(struct store_network *n);
void store_network_list_free(struct store_network *l, size_t n);
void store_endpoint_list_free(struct store_endpoint *l, size_t n);

int store_network_add(struct store *s, const struct store_network *n, struct ctrd_error *err);
/* Rewrites the address plan and bridge of an existing network (the default one at start). */
int store_network_update(struct store *s, const struct store_network *n, struct ctrd_error *err);
int store_network_list(struct store *s, struct store_network **ret, size_t *ret_n,
                       struct ctrd_error *err);
/* Removes the network and (cascading) its endpoint records. */
int store_network_remove(struct store *s, const char *id, struct ctrd_error *err);

/* Adds or replaces an endpoint's configuration (aliases, requested address); keeps its address. */
int store_endpoint_put(struct store *s, const struct store_endpoint *ep, struct ctrd_error *err);
/* Endpoints filtered by network and/or container (NULL = any). */
int store_endpoint_list(struct store *s, const char *network_id, const char *container_id,
                        struct store_endpoint **ret, size_t *ret_n, struct ctrd_error *err);
int store_endpoint_remove(struct store *s, const char *network_id, const char *container_id,
                          struct ctrd_error *err);
int store_endpoint_remove_container(struct store *s, const char *container_id,
                                    struct ctrd_error *err);

/*
 * Gives the endpoint (network_id, container_id) an address: the one it has,
 * else its requested one (-EADDRINUSE when taken, -EINVAL outside the
 * range), else the lowest free one in the network's range that is not the
 * gateway; -ENOSPC when none is left. One transaction.
 */
int store_ipam_allocate(struct store *s, const char *network_id, const char *container_id,
                        uint32_t *ret, struct ctrd_error *err);
/* Gives back the endpoint's address (a no-op without one). */
int store_ipam_release(struct store *s, const char *network_id, const char *container_id,
                       struct ctrd_error *err);
