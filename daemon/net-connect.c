/*
 * POST /networks/{id}/connect and /disconnect. A stopped container only gets
 * (or loses) the endpoint record, used at its next start; a running one is
 * plugged in (or out) at once: a veth into its namespace as the next free
 * eth<N> (no default route: that stays with its first network), an address,
 * and the network's /etc/hosts blocks.
 */
#define LOG_SUBSYSTEM "net"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "log.h"
#include "net-internal.h"
#include "net-link.h"
#include "net.h"

static int find_container(struct ctrd_engine *e, json_t *body, struct ctr **ret,
                          struct ctrd_error *err) {
        const char *name = json_string_value(json_object_get(body, "Container"));
        if (!name)
                return ctrd_error_set(err, EINVAL, "Container is required");
        int r = ctr_lookup(e, name, ret, err);
        if (r >= 0 && (*ret)->busy)
                return ctrd_error_set(err, EBUSY, "container %s is starting", name);
        return r;
}

/* A running container's new endpoint on n: address, link, hosts. */
static int plug_running(struct ctr *c, const struct store_network *n, struct ctrd_error *err) {
        struct ctrd_engine *e = c->engine;
        _cleanup_free_ char *netns = net_netns_path(e, c->rec.id);
        char veth[16];
        uint32_t ip;
        if (!netns)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        net_veth_name(c->rec.id, n->id, veth);
        int r = store_ipam_allocate(e->store, n->id, c->rec.id, &ip, err);
        if (r >= 0)
                r = net_bridge_ensure(n, err);
        if (r >= 0)
                r = net_masq_ensure(e, n, err);
        if (r >= 0)
                r = net_bridge_plug(n, netns, veth, -1, ip, false, err);
        if (r < 0) {
                net_link_del(veth, NULL);
                return r;
        }
        net_hosts_refresh(e, n->id);
        return 0;
}

int net_network_connect(struct ctrd_engine *e, const char *name, json_t *body,
                        struct ctrd_error *err) {
        /* What container lists show changes with the endpoints. */
        ctr_list_invalidate(e);
        struct ctr *c;
        struct store_network n;
        int r = find_container(e, body, &c, err);
        if (r < 0)
                return r;
        if (!net_mode_network(ctr_json_str(ctr_host(c), "NetworkMode", "default")))
                return ctrd_error_set(err, EINVAL, "container %s does not use its own network "
                                      "stack (NetworkMode %s)", c->rec.name,
                                      ctr_json_str(ctr_host(c), "NetworkMode", ""));
        r = net_lookup(e, name, &n, err);
        if (r < 0)
                return r;
        struct store_endpoint *eps = NULL;
        size_t count = 0;
        if (store_endpoint_list(e->store, n.id, c->rec.id, &eps, &count, NULL) >= 0 && count > 0)
                r = ctrd_error_set(err, EEXIST, "endpoint with name %s already exists in network %s",
                                   c->rec.name, n.name);
        store_endpoint_list_free(eps, count);
        if (r >= 0)
                r = net_endpoint_add(e, c->rec.id, n.id, json_object_get(body, "EndpointConfig"), err);
        if (r >= 0 && ctr_is_running(c) && (r = plug_running(c, &n, err)) < 0)
                store_endpoint_remove(e->store, n.id, c->rec.id, NULL);
        if (r >= 0)
                log_info("connected container %s to network %s", c->rec.id, n.name);
        store_network_clear(&n);
        return r;
}

int net_network_disconnect(struct ctrd_engine *e, const char *name, json_t *body,
                           struct ctrd_error *err) {
        /* What container lists show changes with the endpoints. */
        ctr_list_invalidate(e);
        struct ctr *c;
        struct store_network n;
        int r = find_container(e, body, &c, err);
        if (r < 0)
                return r;
        r = net_lookup(e, name, &n, err);
        if (r < 0)
                return r;
        char veth[16];
        net_veth_name(c->rec.id, n.id, veth);
        net_link_del(veth, NULL);
        /* The address goes first, so the refresh drops the network's block from c's hosts too. */
        r = store_ipam_release(e->store, n.id, c->rec.id, err);
        if (r >= 0) {
                net_hosts_refresh(e, n.id);
                r = store_endpoint_remove(e->store, n.id, c->rec.id, err);
        }
        if (r >= 0)
                log_info("disconnected container %s from network %s", c->rec.id, n.name);
        store_network_clear(&n);
        return r;
}
