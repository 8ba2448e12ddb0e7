/* Networks as Docker shows them, and the requests that act on whole networks. */
#define LOG_SUBSYSTEM "net"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "log.h"
#include "net-internal.h"
#include "net.h"

static json_t *ipam_json(const struct store_network *n) {
        json_t *cfg = json_array();
        if (n->prefix) {
                char subnet[NET_IP_STRLEN + 3], gw[NET_IP_STRLEN];
                net_format_cidr(n->subnet, n->prefix, subnet);
                net_format_ip(n->gateway, gw);
                json_t *c = json_pack("{s:s, s:s}", "Subnet", subnet, "Gateway", gw);
                uint32_t mask = net_mask(n->prefix);
                if (n->range_lo != n->subnet + 1 || n->range_hi != (n->subnet | ~mask) - 1) {
                        /* The range is stored as host addresses: show the CIDR it came from. */
                        int p = 32;
                        while (p > n->prefix &&
                               ((n->range_lo & net_mask(p)) | ~net_mask(p)) < n->range_hi)
                                p--;
                        char range[NET_IP_STRLEN + 3];
                        net_format_cidr(n->range_lo & net_mask(p), p, range);
                        json_object_set_new(c, "IPRange", json_string(range));
                }
                json_array_append_new(cfg, c);
        }
        return json_pack("{s:s, s:n, s:o}", "Driver", "default", "Options", "Config", cfg);
}

static json_t *parse_obj(const char *text) {
        json_t *o = json_loads(text ? text : "{}", 0, NULL);
        return json_is_object(o) ? o : (json_decref(o), json_object());
}

/* The running members: {ID: {Name, EndpointID, MacAddress, IPv4Address, IPv6Address}}. */
static json_t *members_json(struct ctrd_engine *e, const struct store_network *n) {
        json_t *m = json_object();
        struct store_endpoint *eps = NULL;
        size_t count = 0;
        if (store_endpoint_list(e->store, n->id, NULL, &eps, &count, NULL) < 0)
                return m;
        for (size_t i = 0; i < count; i++) {
                struct ctr *c = NULL;
                if (!eps[i].ip || ctr_lookup(e, eps[i].container_id, &c, NULL) < 0)
                        continue;
                char cidr[NET_IP_STRLEN + 3], mac[NET_MAC_STRLEN];
                net_format_cidr(eps[i].ip, n->prefix, cidr);
                net_mac_from_ip(eps[i].ip, mac);
                json_object_set_new(m, c->rec.id,
                                    json_pack("{s:s, s:s, s:s, s:s, s:s}", "Name", c->rec.name,
                                              "EndpointID", eps[i].id, "MacAddress", mac,
                                              "IPv4Address", cidr, "IPv6Address", ""));
        }
        store_endpoint_list_free(eps, count);
        return m;
}

static json_t *network_json(struct ctrd_engine *e, const struct store_network *n) {
        json_t *opts = parse_obj(n->options);
        if (strcmp(n->driver, "bridge") == 0) {
                char mtu[16];
                snprintf(mtu, sizeof(mtu), "%lld", (long long) n->mtu);
                json_object_set_new(opts, "com.docker.network.bridge.name", json_string(n->bridge));
                json_object_set_new(opts, "com.docker.network.driver.mtu", json_string(mtu));
        }
        return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:b, s:b, s:b, s:{s:s}, s:b, s:o,"
                         " s:o, s:o}",
                         "Name", n->name, "Id", n->id, "Created", n->created, "Scope", "local",
                         "Driver", n->driver, "EnableIPv6", 0, "IPAM", ipam_json(n),
                         "Internal", n->internal, "Attachable", 0, "Ingress", 0,
                         "ConfigFrom", "Network", "", "ConfigOnly", 0,
                         "Containers", members_json(e, n), "Options", opts,
                         "Labels", parse_obj(n->labels));
}

int net_network_list(struct ctrd_engine *e, json_t **ret, struct ctrd_error *err) {
        struct store_network *l = NULL;
        size_t n = 0;
        int r = store_network_list(e->store, &l, &n, err);
        if (r < 0)
                return r;
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(a, network_json(e, &l[i]));
        store_network_list_free(l, n);
        *ret = a;
        return 0;
}

int net_network_inspect(struct ctrd_engine *e, const char *name, json_t **ret,
                        struct ctrd_error *err) {
        struct store_network n;
        int r = net_lookup(e, name, &n, err);
        if (r < 0)
                return r;
        *ret = network_json(e, &n);
        store_network_clear(&n);
        return 0;
}

/* Whether a running container uses n (its endpoint has an address). */
static bool network_active(struct ctrd_engine *e, const struct store_network *n) {
        struct store_endpoint *eps = NULL;
        size_t count = 0;
        bool active = false;
        if (store_endpoint_list(e->store, n->id, NULL, &eps, &count, NULL) < 0)
                return true;
        for (size_t i = 0; i < count; i++)
                active |= eps[i].ip != 0;
        store_endpoint_list_free(eps, count);
        return active;
}

static int remove_network(struct ctrd_engine *e, const struct store_network *n,
                          struct ctrd_error *err) {
        if (net_is_predefined(n->name))
                return ctrd_error_set(err, EPERM, "%s is a pre-defined network and cannot be removed",
                                      n->name);
        if (network_active(e, n))
                return ctrd_error_set(err, EBUSY, "error while removing network: network %s id %s "
                                      "has active endpoints", n->name, n->id);
        net_masq_remove(e, n);
        int r = net_bridge_remove(n, err);
        if (r >= 0)
                r = store_network_remove(e->store, n->id, err);
        if (r >= 0)
                r = net_cache_reload(e, err);
        if (r >= 0)
                log_info("removed network %s (%s)", n->name, n->id);
        return r;
}

int net_network_remove(struct ctrd_engine *e, const char *name, struct ctrd_error *err) {
        struct store_network n;
        int r = net_lookup(e, name, &n, err);
        if (r < 0)
                return r;
        r = remove_network(e, &n, err);
        store_network_clear(&n);
        return r;
}

/* Docker prunes the user-defined networks no container is connected to. */
int net_network_prune(struct ctrd_engine *e, json_t **ret, struct ctrd_error *err) {
        struct store_network *l = NULL;
        size_t n = 0;
        int r = store_network_list(e->store, &l, &n, err);
        if (r < 0)
                return r;
        json_t *gone = json_array();
        for (size_t i = 0; i < n; i++) {
                struct store_endpoint *eps = NULL;
                size_t count = 0;
                if (net_is_predefined(l[i].name) ||
                    store_endpoint_list(e->store, l[i].id, NULL, &eps, &count, NULL) < 0)
                        continue;
                store_endpoint_list_free(eps, count);
                if (count == 0 && remove_network(e, &l[i], NULL) >= 0)
                        json_array_append_new(gone, json_string(l[i].name));
        }
        store_network_list_free(l, n);
        *ret = json_pack("{s:o}", "NetworksDeleted", gone);
        return 0;
}
