/*
 * Container networking (docs/networking.md): networks (bridge, host, none
 * and user-defined bridges), their endpoints and addresses (store/networks.h),
 * network namespaces prepared by the daemon, veth pairs onto Linux bridges,
 * published ports through a userland proxy on the loop, and name resolution
 * between containers of a user-defined network through /etc/hosts entries
 * kept current. Loop thread only.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "error.h"

struct ctrd_engine;
struct ctr;
struct net_manager;

/* Records the predefined networks (bridge with these settings, host, none). */
int net_manager_init(struct ctrd_engine *e, const char *bridge_name, const char *default_subnet,
                     struct ctrd_error *err);
/* After the containers are loaded: cleans what stopped containers left, re-publishes ports. */
void net_manager_restore(struct ctrd_engine *e);
/* Stops the port proxies; links and namespaces stay for the running containers. */
void net_manager_free(struct ctrd_engine *e);

/* The API: Docker's shapes (docker-api.md §2.4). */
int net_network_create(struct ctrd_engine *e, json_t *body, json_t **ret, struct ctrd_error *err);
int net_network_list(struct ctrd_engine *e, json_t **ret, struct ctrd_error *err);
int net_network_inspect(struct ctrd_engine *e, const char *name, json_t **ret,
                        struct ctrd_error *err);
int net_network_remove(struct ctrd_engine *e, const char *name, struct ctrd_error *err);
int net_network_prune(struct ctrd_engine *e, json_t **ret, struct ctrd_error *err);
/* Connect/disconnect a container that is not running (the change applies at its next start). */
int net_network_connect(struct ctrd_engine *e, const char *name, json_t *body,
                        struct ctrd_error *err);
int net_network_disconnect(struct ctrd_engine *e, const char *name, json_t *body,
                           struct ctrd_error *err);

/* At create: the endpoints of HostConfig.NetworkMode and NetworkingConfig.EndpointsConfig. */
int net_container_created(struct ctrd_engine *e, const char *id, json_t *host,
                          json_t *networking_config, struct ctrd_error *err);
/*
 * Before the shim starts: the netns to join (*ret NULL for the host's), set
 * up with its addresses and routes, and its ports published.
 */
int net_container_attach(struct ctr *c, char **ret_netns_path, struct ctrd_error *err);
/* After the container's files are written: its and its peers' /etc/hosts entries. */
int net_container_hosts(struct ctr *c, struct ctrd_error *err);
/* After the exit (or a failed start): ports, links, addresses and the netns go. */
void net_container_detach(struct ctr *c);
/* At removal: the endpoint records go too. */
void net_container_removed(struct ctr *c);

/* NetworkSettings for inspect (full) or list (Networks only), and the list's Ports. */
json_t *net_container_settings_json(struct ctr *c, bool full);
json_t *net_container_ports_json(struct ctr *c);
