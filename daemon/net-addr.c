#include "net-addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "string-util.h"

int net_parse_ip(const char *s, uint32_t *ret) {
        struct in_addr a;
        if (!s || inet_pton(AF_INET, s, &a) != 1)
                return -EINVAL;
        *ret = ntohl(a.s_addr);
        return 0;
}

int net_parse_cidr(const char *s, uint32_t *ret_addr, int *ret_prefix) {
        const char *slash = s ? strchr(s, '/') : NULL;
        char ip[NET_IP_STRLEN];
        int64_t prefix;
        if (!slash || (size_t) (slash - s) >= sizeof(ip))
                return -EINVAL;
        memcpy(ip, s, (size_t) (slash - s));
        ip[slash - s] = '\0';
        if (ctrd_parse_int64(slash + 1, 0, 32, &prefix) < 0 || net_parse_ip(ip, ret_addr) < 0)
                return -EINVAL;
        *ret_prefix = (int) prefix;
        return 0;
}

void net_format_ip(uint32_t ip, char buf[NET_IP_STRLEN]) {
        struct in_addr a = { .s_addr = htonl(ip) };
        inet_ntop(AF_INET, &a, buf, NET_IP_STRLEN);
}

void net_format_cidr(uint32_t ip, int prefix, char buf[NET_IP_STRLEN + 3]) {
        char a[NET_IP_STRLEN];
        net_format_ip(ip, a);
        snprintf(buf, NET_IP_STRLEN + 3, "%s/%d", a, prefix);
}

uint32_t net_mask(int prefix) {
        return prefix <= 0 ? 0 : 0xffffffffu << (32 - prefix);
}

void net_mac_from_ip(uint32_t ip, char buf[NET_MAC_STRLEN]) {
        snprintf(buf, NET_MAC_STRLEN, "02:42:%02x:%02x:%02x:%02x", ip >> 24, (ip >> 16) & 0xff,
                 (ip >> 8) & 0xff, ip & 0xff);
}
