/*
 * Network records: the predefined bridge/host/none networks, and Docker's
 * network create, list, inspect, remove and prune over store/networks.h.
 */
#define LOG_SUBSYSTEM "net"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "cleanup.h"
#include "log.h"
#include "net-internal.h"
#include "net.h"
#include "string-util.h"
#include "timefmt.h"

#define DEFAULT_MTU 1500
#define OPT_BRIDGE_NAME "com.docker.network.bridge.name"
#define OPT_MTU "com.docker.network.driver.mtu"

bool net_is_predefined(const char *name) {
        return strcmp(name, "bridge") == 0 || strcmp(name, "host") == 0 ||
               strcmp(name, "none") == 0;
}

const char *net_mode_network(const char *mode) {
        if (!mode || !*mode || strcmp(mode, "default") == 0)
                return "bridge";
        if (strcmp(mode, "host") == 0 || strcmp(mode, "none") == 0 ||
            ctrd_startswith(mode, "container:"))
                return NULL;
        return mode;
}

int net_new_id(char id[65], struct ctrd_error *err) {
        uint8_t b[32];
        if (getrandom(b, sizeof(b), 0) != sizeof(b))
                return ctrd_error_sys(err, errno, "reading random bytes for a network ID");
        for (size_t i = 0; i < sizeof(b); i++)
                snprintf(id + 2 * i, 3, "%02x", b[i]);
        return 0;
}

int net_cache_reload(struct ctrd_engine *e, struct ctrd_error *err) {
        struct store_network *l = NULL;
        size_t n = 0;
        int r = store_network_list(e->store, &l, &n, err);
        if (r < 0)
                return r;
        net_cache_free(e->net);
        e->net->nets = l;
        e->net->n_nets = n;
        return 0;
}

void net_cache_free(struct net_manager *m) {
        store_network_list_free(m->nets, m->n_nets);
        m->nets = NULL;
        m->n_nets = 0;
}

static int copy_network(const struct store_network *src, struct store_network *dst,
                        struct ctrd_error *err) {
        *dst = *src;
        dst->name = strdup(src->name);
        dst->driver = strdup(src->driver);
        dst->bridge = strdup(src->bridge);
        dst->labels = strdup(src->labels);
        dst->options = strdup(src->options);
        if (dst->name && dst->driver && dst->bridge && dst->labels && dst->options)
                return 0;
        store_network_clear(dst);
        return ctrd_error_set(err, ENOMEM, "out of memory");
}

int net_lookup(struct ctrd_engine *e, const char *name, struct store_network *ret,
               struct ctrd_error *err) {
        const struct store_network *l = e->net->nets;
        size_t n = e->net->n_nets, hits = 0, hit = 0;
        for (size_t i = 0; i < n && hits == 0; i++)
                if (strcmp(l[i].name, name) == 0 || strcmp(l[i].id, name) == 0)
                        hits = 1, hit = i;
        if (hits == 0 && *name)
                for (size_t i = 0; i < n; i++)
                        if (ctrd_startswith(l[i].id, name))
                                hits++, hit = i;
        if (hits == 1)
                return copy_network(&l[hit], ret, err);
        if (hits == 0)
                return ctrd_error_set(err, ENOENT, "network %s not found", name);
        if (hits > 1)
                return ctrd_error_set(err, EINVAL, "network %s is ambiguous (%zu matches found "
                                      "based on ID prefix)", name, hits);
        return 0;
}

/* The plan of a bridge network: subnet, gateway (.1 unless given), range (the subnet's hosts). */
static int plan_bridge(struct store_network *n, const char *subnet, const char *gateway,
                       const char *range, struct ctrd_error *err) {
        uint32_t addr, mask;
        int prefix;
        if (net_parse_cidr(subnet, &addr, &prefix) < 0 || prefix < 8 || prefix > 30)
                return ctrd_error_set(err, EINVAL, "invalid subnet %s: an IPv4 a.b.c.d/n with n "
                                      "from 8 to 30 is needed", subnet);
        mask = net_mask(prefix);
        n->subnet = addr & mask;
        n->prefix = prefix;
        n->range_lo = n->subnet + 1;
        n->range_hi = (n->subnet | ~mask) - 1;
        n->gateway = n->subnet + 1;
        if (gateway && *gateway && (net_parse_ip(gateway, &n->gateway) < 0 ||
                                    (n->gateway & mask) != n->subnet))
                return ctrd_error_set(err, EINVAL, "invalid gateway %s for subnet %s", gateway, subnet);
        if (range && *range) {
                uint32_t ra;
                int rp;
                if (net_parse_cidr(range, &ra, &rp) < 0 || rp < prefix ||
                    (ra & mask) != n->subnet)
                        return ctrd_error_set(err, EINVAL, "invalid IP range %s for subnet %s",
                                              range, subnet);
                ra &= net_mask(rp);
                n->range_lo = ra > n->range_lo ? ra : n->range_lo;
                uint32_t hi = ra | ~net_mask(rp);
                n->range_hi = hi < n->range_hi ? hi : n->range_hi;
        }
        return 0;
}

static int add_network(struct ctrd_engine *e, struct store_network *n, struct ctrd_error *err) {
        int r = net_new_id(n->id, err);
        if (r < 0)
                return r;
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        ctrd_format_rfc3339(&now, n->created, sizeof(n->created));
        r = store_network_add(e->store, n, err);
        return r < 0 ? r : net_cache_reload(e, err);
}

/* bridge: the flags' bridge and subnet, kept current at every start; host, none: once. */
int net_manager_init(struct ctrd_engine *e, const char *bridge_name, const char *default_subnet,
                     struct ctrd_error *err) {
        e->net = calloc(1, sizeof(*e->net));
        if (!e->net)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        int r = net_cache_reload(e, err);
        if (r < 0)
                return r;
        struct store_network want = {
                .name = (char *) "bridge", .driver = (char *) "bridge",
                .bridge = (char *) (bridge_name ? bridge_name : "ctrd0"), .mtu = DEFAULT_MTU,
        };
        r = plan_bridge(&want, default_subnet ? default_subnet : "172.30.0.0/16", NULL, NULL, err);
        if (r < 0)
                return ctrd_error_wrap(err, "--default-subnet");
        if (strlen(want.bridge) > 15)
                return ctrd_error_set(err, EINVAL, "--bridge-name %s: at most 15 characters",
                                      want.bridge);
        struct store_network cur = { 0 };
        r = net_lookup(e, "bridge", &cur, NULL);
        if (r == -ENOENT) {
                r = add_network(e, &want, err);
        } else if (r >= 0) {
                snprintf(want.id, sizeof(want.id), "%s", cur.id);
                snprintf(want.created, sizeof(want.created), "%s", cur.created);
                r = store_network_update(e->store, &want, err);
                store_network_clear(&cur);
                if (r >= 0)
                        r = net_cache_reload(e, err);
        }
        const char *const others[][2] = { { "host", "host" }, { "none", "null" } };
        for (size_t i = 0; r >= 0 && i < 2; i++) {
                struct store_network n = { .name = (char *) others[i][0],
                                           .driver = (char *) others[i][1], .bridge = (char *) "" };
                r = net_lookup(e, n.name, &cur, NULL);
                if (r >= 0)
                        store_network_clear(&cur);
                else if (r == -ENOENT)
                        r = add_network(e, &n, err);
        }
        return r < 0 ? ctrd_error_wrap(err, "recording the predefined networks") : 0;
}

static bool subnet_in_use(struct ctrd_engine *e, uint32_t subnet, int prefix) {
        struct store_network *l = NULL;
        size_t n = 0;
        bool used = false;
        if (store_network_list(e->store, &l, &n, NULL) < 0)
                return true;
        for (size_t i = 0; i < n; i++) {
                int p = l[i].prefix < prefix ? l[i].prefix : prefix;
                if (l[i].prefix && (l[i].subnet & net_mask(p)) == (subnet & net_mask(p)))
                        used = true;
        }
        store_network_list_free(l, n);
        return used;
}

/* Without IPAM.Config: the first /24 of 10.231.0.0/16 none of our networks overlaps. */
static int auto_subnet(struct ctrd_engine *e, char buf[NET_IP_STRLEN + 3], struct ctrd_error *err) {
        for (uint32_t i = 0; i < 256; i++) {
                uint32_t s = (10u << 24) | (231u << 16) | (i << 8);
                if (!subnet_in_use(e, s, 24)) {
                        net_format_cidr(s, 24, buf);
                        return 0;
                }
        }
        return ctrd_error_set(err, ENOSPC, "could not find an available, non-overlapping IPv4 "
                              "address pool among the defaults to assign to the network");
}

static int parse_ipam(struct ctrd_engine *e, json_t *body, struct store_network *n,
                      struct ctrd_error *err) {
        json_t *cfg = json_array_get(json_object_get(json_object_get(body, "IPAM"), "Config"), 0);
        const char *subnet = json_string_value(json_object_get(cfg, "Subnet"));
        char auto_buf[NET_IP_STRLEN + 3];
        if (!subnet || !*subnet) {
                int r = auto_subnet(e, auto_buf, err);
                if (r < 0)
                        return r;
                subnet = auto_buf;
        }
        int r = plan_bridge(n, subnet, json_string_value(json_object_get(cfg, "Gateway")),
                            json_string_value(json_object_get(cfg, "IPRange")), err);
        if (r >= 0 && subnet != auto_buf && subnet_in_use(e, n->subnet, n->prefix))
                return ctrd_error_set(err, EEXIST, "Pool overlaps with other one on this address "
                                      "space: %s", subnet);
        return r;
}

static int parse_options(json_t *opts, struct store_network *n, char **bridge,
                         struct ctrd_error *err) {
        const char *b = json_string_value(json_object_get(opts, OPT_BRIDGE_NAME));
        const char *mtu = json_string_value(json_object_get(opts, OPT_MTU));
        int64_t v = DEFAULT_MTU;
        if (mtu && ctrd_parse_int64(mtu, 68, 65535, &v) < 0)
                return ctrd_error_set(err, EINVAL, "invalid MTU %s: a number from 68 to 65535", mtu);
        n->mtu = v;
        if (b && (strlen(b) == 0 || strlen(b) > 15 || strchr(b, '/') || strchr(b, ' ')))
                return ctrd_error_set(err, EINVAL, "invalid bridge name \"%s\"", b);
        if (b)
                *bridge = strdup(b);
        else if (asprintf(bridge, "br-%.12s", n->id) < 0)
                *bridge = NULL;
        return *bridge ? 0 : ctrd_error_set(err, ENOMEM, "out of memory");
}

int net_network_create(struct ctrd_engine *e, json_t *body, json_t **ret, struct ctrd_error *err) {
        const char *name = json_string_value(json_object_get(body, "Name"));
        const char *driver = json_string_value(json_object_get(body, "Driver"));
        if (!name || !*name)
                return ctrd_error_set(err, EINVAL, "network name is required");
        if (driver && *driver && strcmp(driver, "bridge") != 0)
                return ctrd_error_set(err, EINVAL, "plugin \"%s\" not found: ctrd has the bridge "
                                      "driver only", driver);
        struct store_network cur = { 0 };
        if (net_lookup(e, name, &cur, NULL) >= 0 && strcmp(cur.name, name) == 0) {
                store_network_clear(&cur);
                return ctrd_error_set(err, EEXIST, "network with name %s already exists", name);
        } else if (cur.name) {
                store_network_clear(&cur);
        }
        _cleanup_free_ char *labels = NULL, *options = NULL, *bridge = NULL;
        json_t *lj = json_object_get(body, "Labels"), *oj = json_object_get(body, "Options");
        labels = json_is_object(lj) ? json_dumps(lj, JSON_COMPACT) : strdup("{}");
        options = json_is_object(oj) ? json_dumps(oj, JSON_COMPACT) : strdup("{}");
        if (!labels || !options)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        struct store_network n = { .name = (char *) name, .driver = (char *) "bridge",
                                   .internal = json_is_true(json_object_get(body, "Internal")),
                                   .labels = labels, .options = options };
        int r = net_new_id(n.id, err);
        if (r >= 0)
                r = parse_ipam(e, body, &n, err);
        if (r >= 0)
                r = parse_options(oj, &n, &bridge, err);
        if (r < 0)
                return r;
        n.bridge = bridge;
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        ctrd_format_rfc3339(&now, n.created, sizeof(n.created));
        r = store_network_add(e->store, &n, err);
        if (r >= 0)
                r = net_cache_reload(e, err);
        if (r < 0)
                return ctrd_error_wrap(err, "creating network %s", name);
        log_info("created network %s (%s, bridge %s)", name, n.id, bridge);
        *ret = json_pack("{s:s, s:s}", "Id", n.id, "Warning", "");
        return 0;
}
