/*
 * Userland TCP and UDP proxies on the loop. TCP: accepts on a host address and relays
 * each connection to a container's address, both directions, with
 * back-pressure (a side stops being read while the other's write queue is
 * long) and half-close (an EOF is passed on as a shutdown).
 */
#pragma once

#include <stdint.h>
#include <uv.h>

#include "error.h"

struct net_tcp_proxy;

/* Listens on host_ip:*host_port (0 = a free port, written back). */
int net_tcp_proxy_start(uv_loop_t *loop, uint32_t host_ip, int *host_port, uint32_t ctr_ip,
                        int ctr_port, struct net_tcp_proxy **ret, struct ctrd_error *err);
/* Stops listening and closes the connections in flight (the container is gone). */
void net_tcp_proxy_stop(struct net_tcp_proxy *p);

/* The same for UDP (net-proxy-udp.c): one connected socket per client address. */
struct net_udp_proxy;
int net_udp_proxy_start(uv_loop_t *loop, uint32_t host_ip, int *host_port, uint32_t ctr_ip,
                        int ctr_port, struct net_udp_proxy **ret, struct ctrd_error *err);
void net_udp_proxy_stop(struct net_udp_proxy *p);
