/* IPv4 addresses as the network code keeps them: host byte order uint32_t. */
#pragma once

#include <stdint.h>

#define NET_IP_STRLEN 16
#define NET_MAC_STRLEN 18

/* "a.b.c.d" → ip; -EINVAL otherwise. */
int net_parse_ip(const char *s, uint32_t *ret);
/* "a.b.c.d/n" (n 0..32) → address and prefix; -EINVAL otherwise. */
int net_parse_cidr(const char *s, uint32_t *ret_addr, int *ret_prefix);
void net_format_ip(uint32_t ip, char buf[NET_IP_STRLEN]);
/* "a.b.c.d/n", or "" for subnet 0 */
void net_format_cidr(uint32_t ip, int prefix, char buf[NET_IP_STRLEN + 3]);
uint32_t net_mask(int prefix);
/* Docker's scheme: 02:42 and the four address bytes, unique on a network as its addresses are. */
void net_mac_from_ip(uint32_t ip, char buf[NET_MAC_STRLEN]);
