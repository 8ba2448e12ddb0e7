/* The bridge driver: a Linux bridge per network, veth pairs into containers' namespaces. */
#define LOG_SUBSYSTEM "net"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "net-internal.h"
#include "net-link.h"
#include "net-netns.h"

int net_bridge_ensure(const struct store_network *n, struct ctrd_error *err) {
        int r = net_link_add_bridge(n->bridge, (unsigned) n->mtu, err);
        if (r < 0 && r != -EEXIST)
                return r;
        if (r >= 0)
                log_info("created bridge %s for network %s", n->bridge, n->name);
        r = net_addr_add(n->bridge, n->gateway, n->prefix, err);
        if (r >= 0)
                r = net_link_up(n->bridge, 0, err);
        return r < 0 ? ctrd_error_wrap(err, "bridge of network %s", n->name) : 0;
}

int net_bridge_remove(const struct store_network *n, struct ctrd_error *err) {
        if (!*n->bridge)
                return 0;
        int r = net_link_del(n->bridge, err);
        if (r == -ENODEV)
                return 0;
        return r;
}

/* Inside the container's namespace: the interface up with its address, and the route. */
static int configure_inside(const struct store_network *n, const char *ifname, uint32_t ip,
                            bool primary, struct ctrd_error *err) {
        int r = net_addr_add(ifname, ip, n->prefix, err);
        if (r >= 0)
                r = net_link_up(ifname, 0, err);
        if (r >= 0 && primary && !n->internal)
                r = net_route_add_default(ifname, n->gateway, err);
        return r;
}

int net_bridge_plug(const struct store_network *n, const char *netns, const char *veth,
                    int index, uint32_t ip, bool primary, struct ctrd_error *err) {
        int master = net_link_index(n->bridge);
        if (master < 0)
                return ctrd_error_sys(err, ENODEV, "bridge '%s' of network %s", n->bridge, n->name);
        _cleanup_close_ int nsfd = open(netns, O_RDONLY | O_CLOEXEC);
        if (nsfd < 0)
                return ctrd_error_sys(err, errno, "opening network namespace '%s'", netns);
        char ifname[16];
        int orig = -1;
        int r = net_netns_enter(netns, &orig, err);
        if (r < 0)
                return r;
        if (index < 0)
                for (index = 0; snprintf(ifname, sizeof(ifname), "eth%d", index),
                     net_link_index(ifname) >= 0; index++)
                        ;
        net_netns_leave(orig);
        snprintf(ifname, sizeof(ifname), "eth%d", index);
        /* A veth of a run that crashed before its cleanup would make the create fail. */
        net_link_del(veth, NULL);
        r = net_link_add_veth(veth, ifname, (unsigned) n->mtu, nsfd, err);
        if (r >= 0)
                r = net_link_up(veth, master, err);
        if (r < 0)
                return r;
        r = net_netns_enter(netns, &orig, err);
        if (r < 0)
                return r;
        r = configure_inside(n, ifname, ip, primary, err);
        net_netns_leave(orig);
        return r;
}

void net_bridge_clean_orphans(const struct store_network *n, char **keep) {
        int master = net_link_index(n->bridge);
        _cleanup_strv_free_ char **names = NULL;
        if (master < 0 || net_link_list_slaves(master, &names, NULL) < 0)
                return;
        for (char **p = names; *p; p++) {
                bool kept = false;
                for (char **k = keep; k && *k && !kept; k++)
                        kept = strcmp(*k, *p) == 0;
                /* Only our own names: a link someone else put on the bridge is left alone. */
                if (kept || strncmp(*p, "ve", 2) != 0 || strlen(*p) != 14)
                        continue;
                log_info("removing orphaned link %s from bridge %s", *p, n->bridge);
                net_link_del(*p, NULL);
        }
}
