/* What the daemon/net-*.c files share. */
#pragma once

#include <stdint.h>

#include "container-internal.h"
#include "containers.h"
#include "engine.h"
#include "net-addr.h"
#include "store/networks.h"

struct net_proxy;

struct net_manager {
        struct store_network *nets;     /* the networks table, read once and after each change */
        size_t n_nets;
        struct net_proxy *proxies;      /* every published port, all containers */
        char **masq;                    /* bridges whose nftables table is in place */
        size_t n_masq;
};

/* Re-reads the networks after a change to the table (net_lookup answers from memory). */
int net_cache_reload(struct ctrd_engine *e, struct ctrd_error *err);
void net_cache_free(struct net_manager *m);
/* Finds a network by name, full ID or unique ID prefix (a copy, store_network_clear it);
 * -ENOENT "network x not found". */
int net_lookup(struct ctrd_engine *e, const char *name, struct store_network *ret,
               struct ctrd_error *err);
bool net_is_predefined(const char *name);
/* 64 random hex digits: network and endpoint IDs. */
int net_new_id(char id[65], struct ctrd_error *err);
/* The network HostConfig.NetworkMode names ("default" is "bridge"); NULL for host/none/container:. */
const char *net_mode_network(const char *mode);

/* Records container id's endpoint on network name with EndpointSettings epc (may be NULL). */
int net_endpoint_add(struct ctrd_engine *e, const char *id, const char *name, json_t *epc,
                     struct ctrd_error *err);

/* RUN/netns/<id> */
char *net_netns_path(struct ctrd_engine *e, const char *ctr_id);
/* The host end of c's veth on network_id: "ve" + 8 of the container ID + 4 of the network's. */
void net_veth_name(const char *ctr_id, const char *network_id, char buf[16]);

/* net-bridge.c: the Linux bridge of a network, created on first use. */
int net_bridge_ensure(const struct store_network *n, struct ctrd_error *err);
int net_bridge_remove(const struct store_network *n, struct ctrd_error *err);
/* Plugs netns into n's bridge: veth, eth<index> with ip, a default route when primary;
 * index < 0: the first eth<N> the namespace does not have yet. */
int net_bridge_plug(const struct store_network *n, const char *netns, const char *veth,
                    int index, uint32_t ip, bool primary, struct ctrd_error *err);
/* Deletes veths on n's bridge that are not in keep (NULL-terminated). */
void net_bridge_clean_orphans(const struct store_network *n, char **keep);

/* net-masq.c: masquerade and forwarding for a non-internal bridge network (nftables). */
int net_masq_ensure(struct ctrd_engine *e, const struct store_network *n, struct ctrd_error *err);
void net_masq_remove(struct ctrd_engine *e, const struct store_network *n);

/* net-hosts.c: rewrites the network section of every member's /etc/hosts. */
void net_hosts_refresh(struct ctrd_engine *e, const char *network_id);

/* net-ports.c */
/* restore: the free ports a previous daemon picked are taken again (RUN/containers/ID/ports.json). */
int net_ports_publish(struct ctrd_engine *e, struct ctr *c, uint32_t ip, bool restore,
                      struct ctrd_error *err);
void net_ports_unpublish(struct ctrd_engine *e, const char *ctr_id);
void net_ports_free_all(struct ctrd_engine *e);
/* Docker's NetworkSettings.Ports ({"80/tcp": [{HostIp, HostPort}]}) and the list's Ports. */
json_t *net_ports_settings(struct ctrd_engine *e, struct ctr *c);
json_t *net_ports_list(struct ctrd_engine *e, struct ctr *c);
