/*
 * A container's side of networking: its endpoint records (at create), the
 * namespace, links and addresses of a run (attach/detach).
 */
#define LOG_SUBSYSTEM "net"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "log.h"
#include "net-internal.h"
#include "net-link.h"
#include "net-netns.h"
#include "net.h"
#include "string-util.h"

char *net_netns_path(struct ctrd_engine *e, const char *ctr_id) {
        char *p = NULL;
        return asprintf(&p, "%s/netns/%s", e->run_root, ctr_id) < 0 ? NULL : p;
}

void net_veth_name(const char *ctr_id, const char *network_id, char buf[16]) {
        snprintf(buf, 16, "ve%.8s%.4s", ctr_id, network_id);
}

int net_endpoint_add(struct ctrd_engine *e, const char *id, const char *name, json_t *epc,
                     struct ctrd_error *err) {
        struct store_network n;
        int r = net_lookup(e, name, &n, err);
        if (r < 0)
                return r;
        struct store_endpoint ep = { .aliases = NULL };
        const char *want = json_string_value(json_object_get(json_object_get(epc, "IPAMConfig"),
                                                            "IPv4Address"));
        if (want && *want && (strcmp(n.name, "bridge") == 0 || !n.prefix))
                r = ctrd_error_set(err, EINVAL, "user specified IP address is supported on user "
                                   "defined networks only");
        else if (want && *want && net_parse_ip(want, &ep.requested) < 0)
                r = ctrd_error_set(err, EINVAL, "invalid IPv4 address: %s", want);
        else if (!n.prefix)
                r = ctrd_error_set(err, EINVAL, "container cannot be connected to network %s "
                                   "(driver %s)", n.name, n.driver);
        json_t *aliases = json_object_get(epc, "Aliases");
        _cleanup_free_ char *alias_text = json_is_array(aliases) ? json_dumps(aliases, JSON_COMPACT)
                                                                 : strdup("[]");
        if (!alias_text && r >= 0)
                r = ctrd_error_set(err, ENOMEM, "out of memory");
        if (r >= 0)
                r = net_new_id(ep.id, err);
        if (r >= 0) {
                snprintf(ep.network_id, sizeof(ep.network_id), "%s", n.id);
                snprintf(ep.container_id, sizeof(ep.container_id), "%s", id);
                ep.aliases = alias_text;
                r = store_endpoint_put(e->store, &ep, err);
        }
        store_network_clear(&n);
        return r;
}

int net_container_created(struct ctrd_engine *e, const char *id, json_t *host,
                          json_t *networking_config, struct ctrd_error *err) {
        const char *mode = json_string_value(json_object_get(host, "NetworkMode"));
        const char *primary = net_mode_network(mode);
        json_t *epcs = json_object_get(networking_config, "EndpointsConfig"), *epc;
        const char *key;
        int r = 0;
        if (primary) {
                json_t *mine = json_object_get(epcs, primary);
                if (!mine && strcmp(primary, "bridge") == 0)
                        mine = json_object_get(epcs, "default");
                r = net_endpoint_add(e, id, primary, mine, err);
        }
        json_object_foreach(epcs, key, epc) {
                if (r < 0 || (primary && (strcmp(key, primary) == 0 || strcmp(key, "default") == 0)))
                        continue;
                if (!primary)
                        r = ctrd_error_set(err, EINVAL, "container sharing a network namespace "
                                           "(NetworkMode %s) cannot be connected to network %s",
                                           mode, key);
                else
                        r = net_endpoint_add(e, id, key, epc, err);
        }
        if (r < 0)
                store_endpoint_remove_container(e->store, id, NULL);
        return r;
}

/* The namespace of container:<name>, which must be running. */
static int shared_netns(struct ctr *c, const char *target, char **ret, struct ctrd_error *err) {
        struct ctr *o;
        int r = ctr_lookup(c->engine, target, &o, err);
        if (r < 0)
                return r;
        if (!ctr_is_running(o) || o->rec.pid <= 0)
                return ctrd_error_set(err, EINVAL, "cannot join network of a non running container: "
                                      "%s", target);
        if (asprintf(ret, "/proc/%lld/ns/net", (long long) o->rec.pid) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        return 0;
}

/*
 * The network NetworkMode names must exist; a container whose endpoint went
 * with a removed network, and that is started after a network of that name
 * was created again, gets an endpoint on the new one.
 */
static int check_primary(struct ctr *c, const char *name, struct ctrd_error *err) {
        struct store_network n;
        struct store_endpoint *eps = NULL;
        size_t count = 0;
        int r = net_lookup(c->engine, name, &n, err);
        if (r < 0)
                return r;
        r = store_endpoint_list(c->engine->store, n.id, c->rec.id, &eps, &count, err);
        if (r >= 0 && count == 0)
                r = net_endpoint_add(c->engine, c->rec.id, n.id, NULL, err);
        store_endpoint_list_free(eps, count);
        store_network_clear(&n);
        return r;
}

/* Allocates each endpoint's address and plugs it in; the first is the default route. */
static int plug_endpoints(struct ctr *c, const char *netns, struct ctrd_error *err) {
        struct ctrd_engine *e = c->engine;
        struct store_endpoint *eps = NULL;
        size_t count = 0;
        int r = store_endpoint_list(e->store, NULL, c->rec.id, &eps, &count, err);
        for (size_t i = 0; r >= 0 && i < count; i++) {
                struct store_network n;
                uint32_t ip;
                char veth[16];
                r = net_lookup(e, eps[i].network_id, &n, err);
                if (r < 0)
                        break;
                net_veth_name(c->rec.id, n.id, veth);
                r = store_ipam_allocate(e->store, n.id, c->rec.id, &ip, err);
                if (r >= 0)
                        r = net_bridge_ensure(&n, err);
                if (r >= 0)
                        r = net_masq_ensure(e, &n, err);
                if (r >= 0)
                        r = net_bridge_plug(&n, netns, veth, (int) i, ip, i == 0, err);
                if (r >= 0 && i == 0)
                        r = net_ports_publish(e, c, ip, false, err);
                if (r < 0)
                        ctrd_error_wrap(err, "network %s", n.name);
                store_network_clear(&n);
        }
        store_endpoint_list_free(eps, count);
        return r;
}

int net_container_attach(struct ctr *c, char **ret_netns_path, struct ctrd_error *err) {
        const char *mode = ctr_json_str(ctr_host(c), "NetworkMode", "default");
        *ret_netns_path = NULL;
        if (strcmp(mode, "host") == 0)
                return 0;
        if (ctrd_startswith(mode, "container:"))
                return shared_netns(c, mode + strlen("container:"), ret_netns_path, err);
        const char *primary = net_mode_network(mode);
        int r = primary ? check_primary(c, primary, err) : 0;
        if (r < 0)
                return r;
        _cleanup_free_ char *path = net_netns_path(c->engine, c->rec.id), *dir = NULL;
        if (!path || asprintf(&dir, "%s/netns", c->engine->run_root) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                return ctrd_error_sys(err, errno, "creating '%s'", dir);
        /* A netns file a crash left behind would make the create fail. */
        net_netns_remove(path, NULL);
        r = net_netns_create(path, err);
        if (r >= 0)
                r = plug_endpoints(c, path, err);
        if (r < 0) {
                net_container_detach(c);
                return ctrd_error_wrap(err, "setting up the network of container %s", c->rec.id);
        }
        *ret_netns_path = TAKE_PTR(path);
        return 0;
}

/* Gives back what a run took: the port proxies, the veths and addresses, the netns file. */
void net_container_detach(struct ctr *c) {
        struct ctrd_engine *e = c->engine;
        struct ctrd_error err = { 0 };
        struct store_endpoint *eps = NULL;
        size_t count = 0;
        net_ports_unpublish(e, c->rec.id);
        if (store_endpoint_list(e->store, NULL, c->rec.id, &eps, &count, &err) < 0)
                log_warning("container %s: %s, ignoring", c->rec.id, err.msg);
        for (size_t i = 0; i < count; i++) {
                char veth[16];
                net_veth_name(c->rec.id, eps[i].network_id, veth);
                if (net_link_del(veth, &err) < 0 && err.code)
                        log_warning("container %s: %s, ignoring", c->rec.id, err.msg);
                if (!eps[i].ip)
                        continue;
                if (store_ipam_release(e->store, eps[i].network_id, c->rec.id, &err) < 0)
                        log_warning("container %s: %s, ignoring", c->rec.id, err.msg);
                net_hosts_refresh(e, eps[i].network_id);
        }
        store_endpoint_list_free(eps, count);
        _cleanup_free_ char *path = net_netns_path(e, c->rec.id);
        if (path && net_netns_remove(path, &err) < 0)
                log_warning("container %s: %s, ignoring", c->rec.id, err.msg);
}

void net_container_removed(struct ctr *c) {
        struct ctrd_error err = { 0 };
        if (store_endpoint_remove_container(c->engine->store, c->rec.id, &err) < 0)
                log_warning("container %s: %s, ignoring", c->rec.id, err.msg);
}

int net_container_hosts(struct ctr *c, struct ctrd_error *err) {
        struct store_endpoint *eps = NULL;
        size_t count = 0;
        int r = store_endpoint_list(c->engine->store, NULL, c->rec.id, &eps, &count, err);
        for (size_t i = 0; r >= 0 && i < count; i++)
                net_hosts_refresh(c->engine, eps[i].network_id);
        store_endpoint_list_free(eps, count);
        return r;
}
