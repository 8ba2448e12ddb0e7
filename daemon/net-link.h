/*
 * Links, addresses and routes over rtnetlink (libmnl). Every call works in
 * the network namespace of the calling thread: run it between
 * net_netns_enter() and net_netns_leave() to act inside a container's.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

/* The link's index, or -ENODEV. */
int net_link_index(const char *name);

int net_link_add_bridge(const char *name, unsigned mtu, struct ctrd_error *err);
/* A veth pair: host stays here, peer is created inside the netns of peer_netns_fd. */
int net_link_add_veth(const char *host, const char *peer, unsigned mtu, int peer_netns_fd,
                      struct ctrd_error *err);
/* Enslaves to master (when master_index > 0) and sets the link up. */
int net_link_up(const char *name, int master_index, struct ctrd_error *err);
/* Deletes the link; -ENODEV when there is none. */
int net_link_del(const char *name, struct ctrd_error *err);
/* Adds ip/prefix to the link; an address already there is fine. */
int net_addr_add(const char *name, uint32_t ip, int prefix, struct ctrd_error *err);
int net_route_add_default(const char *name, uint32_t gateway, struct ctrd_error *err);
/* Names of the links enslaved to master_index (NULL-terminated, strv_free). */
int net_link_list_slaves(int master_index, char ***ret, struct ctrd_error *err);
