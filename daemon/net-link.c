#include "net-link.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <libmnl/libmnl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct mnl_socket *, mnl_socket_close);

/* MNL_SOCKET_BUFFER_SIZE depends on the page size; our requests are small, answers at most 8 KiB. */
#define NL_BUF_SIZE 8192

struct nl_req {
        char buf[NL_BUF_SIZE];
        struct nlmsghdr *nlh;
};

static struct nlmsghdr *req_init(struct nl_req *q, uint16_t type, uint16_t flags) {
        memset(q->buf, 0, sizeof(q->buf));
        q->nlh = mnl_nlmsg_put_header(q->buf);
        q->nlh->nlmsg_type = type;
        q->nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
        q->nlh->nlmsg_seq = (uint32_t) time(NULL);
        return q->nlh;
}

/* Sends one request, runs cb on every answer until the ACK; -errno of a NACK. */
static int nl_talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data) {
        _cleanup_(mnl_socket_closep) struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE,
                                                                              SOCK_CLOEXEC);
        if (!nl)
                return -errno;
        if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
                return -errno;
        unsigned portid = mnl_socket_get_portid(nl);
        if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
                return -errno;
        char buf[NL_BUF_SIZE];
        for (;;) {
                ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
                if (n < 0)
                        return -errno;
                int r = mnl_cb_run(buf, (size_t) n, nlh->nlmsg_seq, portid, cb, data);
                if (r < 0)
                        return -errno;
                if (r == MNL_CB_STOP)
                        return 0;
        }
}

int net_link_index(const char *name) {
        unsigned idx = if_nametoindex(name);
        return idx ? (int) idx : -ENODEV;
}

static struct ifinfomsg *put_ifinfo(struct nlmsghdr *nlh, int index) {
        struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = index;
        return ifi;
}

int net_link_add_bridge(const char *name, unsigned mtu, struct ctrd_error *err) {
        struct nl_req q;
        struct nlmsghdr *nlh = req_init(&q, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
        put_ifinfo(nlh, 0);
        mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
        if (mtu)
                mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
        struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
        mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
        mnl_attr_nest_end(nlh, info);
        int r = nl_talk(nlh, NULL, NULL);
        if (r < 0 && r != -EEXIST)
                return ctrd_error_sys(err, -r, "creating bridge '%s'", name);
        return r;
}

int net_link_add_veth(const char *host, const char *peer, unsigned mtu, int peer_netns_fd,
                      struct ctrd_error *err) {
        struct nl_req q;
        struct nlmsghdr *nlh = req_init(&q, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
        put_ifinfo(nlh, 0);
        mnl_attr_put_strz(nlh, IFLA_IFNAME, host);
        if (mtu)
                mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
        struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
        mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
        struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
        struct nlattr *p = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
        put_ifinfo(nlh, 0);     /* the peer's own header, inside the nest */
        mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
        if (mtu)
                mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
        mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t) peer_netns_fd);
        mnl_attr_nest_end(nlh, p);
        mnl_attr_nest_end(nlh, data);
        mnl_attr_nest_end(nlh, info);
        int r = nl_talk(nlh, NULL, NULL);
        if (r < 0)
                return ctrd_error_sys(err, -r, "creating veth pair '%s'/'%s'", host, peer);
        return 0;
}

int net_link_up(const char *name, int master_index, struct ctrd_error *err) {
        int idx = net_link_index(name);
        if (idx < 0)
                return ctrd_error_sys(err, ENODEV, "setting link '%s' up", name);
        struct nl_req q;
        struct nlmsghdr *nlh = req_init(&q, RTM_NEWLINK, 0);
        struct ifinfomsg *ifi = put_ifinfo(nlh, idx);
        ifi->ifi_flags = IFF_UP;
        ifi->ifi_change = IFF_UP;
        if (master_index > 0)
                mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t) master_index);
        int r = nl_talk(nlh, NULL, NULL);
        if (r < 0)
                return ctrd_error_sys(err, -r, "setting link '%s' up", name);
        return 0;
}

int net_link_del(const char *name, struct ctrd_error *err) {
        int idx = net_link_index(name);
        if (idx < 0)
                return -ENODEV;
        struct nl_req q;
        struct nlmsghdr *nlh = req_init(&q, RTM_DELLINK, 0);
        put_ifinfo(nlh, idx);
        int r = nl_talk(nlh, NULL, NULL);
        if (r == -ENODEV)
                return r;
        if (r < 0)
                return ctrd_error_sys(err, -r, "deleting link '%s'", name);
        return 0;
}

int net_addr_add(const char *name, uint32_t ip, int prefix, struct ctrd_error *err) {
        int idx = net_link_index(name);
        if (idx < 0)
                return ctrd_error_sys(err, ENODEV, "adding an address to '%s'", name);
        struct nl_req q;
        struct nlmsghdr *nlh = req_init(&q, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
        struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
        ifa->ifa_family = AF_INET;
        ifa->ifa_prefixlen = (unsigned char) prefix;
        ifa->ifa_index = (unsigned) idx;
        uint32_t be = htonl(ip), bcast = htonl(ip | ~(prefix ? 0xffffffffu << (32 - prefix) : 0));
        mnl_attr_put_u32(nlh, IFA_LOCAL, be);
        mnl_attr_put_u32(nlh, IFA_ADDRESS, be);
        if (prefix < 31)
                mnl_attr_put_u32(nlh, IFA_BROADCAST, bcast);
        int r = nl_talk(nlh, NULL, NULL);
        if (r < 0 && r != -EEXIST)
                return ctrd_error_sys(err, -r, "adding an address to '%s'", name);
        return 0;
}

int net_route_add_default(const char *name, uint32_t gateway, struct ctrd_error *err) {
        int idx = net_link_index(name);
        if (idx < 0)
                return ctrd_error_sys(err, ENODEV, "adding a default route via '%s'", name);
        struct nl_req q;
        struct nlmsghdr *nlh = req_init(&q, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
        struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
        rtm->rtm_family = AF_INET;
        rtm->rtm_table = RT_TABLE_MAIN;
        rtm->rtm_protocol = RTPROT_BOOT;
        rtm->rtm_scope = RT_SCOPE_UNIVERSE;
        rtm->rtm_type = RTN_UNICAST;
        mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(gateway));
        mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t) idx);
        int r = nl_talk(nlh, NULL, NULL);
        if (r < 0)
                return ctrd_error_sys(err, -r, "adding a default route via '%s'", name);
        return 0;
}

struct slaves {
        int master;
        char **names;
        size_t n;
        int error;
};

static int attr_cb(const struct nlattr *a, void *data) {
        const struct nlattr **tb = data;
        int type = mnl_attr_get_type(a);
        if (mnl_attr_type_valid(a, IFLA_MAX) > 0)
                tb[type] = a;
        return MNL_CB_OK;
}

static int slave_cb(const struct nlmsghdr *nlh, void *data) {
        struct slaves *s = data;
        const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
        mnl_attr_parse(nlh, sizeof(struct ifinfomsg), attr_cb, tb);
        if (!tb[IFLA_MASTER] || !tb[IFLA_IFNAME] ||
            (int) mnl_attr_get_u32(tb[IFLA_MASTER]) != s->master)
                return MNL_CB_OK;
        char **nl = realloc(s->names, (s->n + 2) * sizeof(char *));
        if (!nl) {
                s->error = -ENOMEM;
                return MNL_CB_OK;
        }
        s->names = nl;
        s->names[s->n] = strdup(mnl_attr_get_str(tb[IFLA_IFNAME]));
        s->names[++s->n] = NULL;
        if (!s->names[s->n - 1])
                s->error = -ENOMEM;
        return MNL_CB_OK;
}

int net_link_list_slaves(int master_index, char ***ret, struct ctrd_error *err) {
        struct nl_req q;
        struct nlmsghdr *nlh = req_init(&q, RTM_GETLINK, NLM_F_DUMP);
        put_ifinfo(nlh, 0);
        struct slaves s = { .master = master_index };
        int r = nl_talk(nlh, slave_cb, &s);
        if (r >= 0)
                r = s.error;
        if (r < 0) {
                strv_free(s.names);
                return ctrd_error_sys(err, -r, "listing the links of bridge %d", master_index);
        }
        if (!s.names)
                s.names = calloc(1, sizeof(char *));
        *ret = s.names;
        return s.names ? 0 : ctrd_error_set(err, ENOMEM, "out of memory");
}
