/* NetworkSettings as Docker fills them in container inspect and list. */
#include <stdio.h>
#include <string.h>

#include "net-internal.h"
#include "net.h"

static json_t *endpoint_json(const struct store_network *n, const struct store_endpoint *ep,
                             bool running) {
        char ip[NET_IP_STRLEN] = "", gw[NET_IP_STRLEN] = "", mac[NET_MAC_STRLEN] = "";
        bool live = running && ep->ip;
        if (live) {
                net_format_ip(ep->ip, ip);
                net_format_ip(n->gateway, gw);
                net_mac_from_ip(ep->ip, mac);
        }
        json_t *aliases = json_loads(ep->aliases, 0, NULL);
        json_t *ipam = json_null();
        if (ep->requested) {
                char want[NET_IP_STRLEN];
                net_format_ip(ep->requested, want);
                ipam = json_pack("{s:s}", "IPv4Address", want);
        }
        return json_pack("{s:o, s:o, s:n, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:i, s:s, s:n}",
                         "IPAMConfig", ipam, "Aliases", aliases ? aliases : json_null(),
                         "Links", "NetworkID", n->id, "EndpointID", live ? ep->id : "",
                         "Gateway", gw, "IPAddress", ip, "IPPrefixLen", live ? n->prefix : 0,
                         "IPv6Gateway", "", "GlobalIPv6Address", "", "GlobalIPv6PrefixLen", 0,
                         "MacAddress", mac, "DriverOpts");
}

/* The host and none networks show as an entry with no address, as in Docker. */
static void add_mode_entry(struct ctr *c, json_t *nets) {
        const char *mode = ctr_json_str(ctr_host(c), "NetworkMode", "default");
        struct store_network n;
        if ((strcmp(mode, "host") != 0 && strcmp(mode, "none") != 0) ||
            net_lookup(c->engine, mode, &n, NULL) < 0)
                return;
        struct store_endpoint ep = { .aliases = (char *) "null" };
        json_object_set_new(nets, n.name, endpoint_json(&n, &ep, false));
        store_network_clear(&n);
}

json_t *net_container_settings_json(struct ctr *c, bool full) {
        json_t *nets = json_object();
        struct store_endpoint *eps = NULL;
        size_t count = 0;
        bool running = ctr_is_running(c);
        json_t *first = NULL;
        add_mode_entry(c, nets);
        /* Only a container with a stack of its own has endpoints: no query for the others. */
        if (net_mode_network(ctr_json_str(ctr_host(c), "NetworkMode", "default")) &&
            store_endpoint_list(c->engine->store, NULL, c->rec.id, &eps, &count, NULL) >= 0) {
                for (size_t i = 0; i < count; i++) {
                        struct store_network n;
                        if (net_lookup(c->engine, eps[i].network_id, &n, NULL) < 0)
                                continue;
                        json_t *ep = endpoint_json(&n, &eps[i], running);
                        json_object_set_new(nets, n.name, ep);
                        first = first ? first : ep;
                        store_network_clear(&n);
                }
                store_endpoint_list_free(eps, count);
        }
        if (!full)
                return json_pack("{s:o}", "Networks", nets);
        const char *keys[] = { "EndpointID", "Gateway", "IPAddress", "MacAddress", "IPPrefixLen" };
        json_t *o = json_pack("{s:s, s:s, s:b, s:i, s:o, s:s, s:n, s:n, s:s, s:i, s:s}",
                              "Bridge", "", "SandboxID", "", "HairpinMode", 0,
                              "LinkLocalIPv6PrefixLen", 0, "Ports",
                              running ? net_ports_settings(c->engine, c) : json_object(),
                              "SandboxKey", "", "SecondaryIPAddresses", "SecondaryIPv6Addresses",
                              "GlobalIPv6Address", "", "GlobalIPv6PrefixLen", 0,
                              "IPv6Gateway", "");
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
                json_t *v = json_object_get(first, keys[i]);
                json_object_set_new(o, keys[i], v ? json_incref(v)
                                                  : (i == 4 ? json_integer(0) : json_string("")));
        }
        json_object_set_new(o, "Networks", nets);
        return o;
}

json_t *net_container_ports_json(struct ctr *c) {
        return ctr_is_running(c) ? net_ports_list(c->engine, c) : json_array();
}
