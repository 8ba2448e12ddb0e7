/*
 * The UDP side of published ports: datagrams from each client address go
 * through a socket of their own, connected to the container's address, so
 * the container's replies come back to that socket and are sent to that
 * client. A flow idle for UDP_FLOW_IDLE_MS is closed (UDP has no end).
 */
#define LOG_SUBSYSTEM "net"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "net-proxy.h"

#define UDP_FLOW_IDLE_MS 30000
#define UDP_MAX_DATAGRAM 65536

struct udp_flow {
        uv_udp_t sock;                  /* connected to the container */
        struct sockaddr_in client;
        struct net_udp_proxy *proxy;    /* NULL once the proxy stopped */
        uint64_t last_used;
        struct udp_flow *prev, *next;
};

struct net_udp_proxy {
        uv_udp_t listener;
        uv_timer_t sweep;
        struct sockaddr_in target;
        struct udp_flow *flows;
        int open_handles;
};

struct udp_send {
        uv_udp_send_t req;
        char *data;
};

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf) {
        (void) h;
        (void) hint;
        buf->base = malloc(UDP_MAX_DATAGRAM);
        buf->len = buf->base ? UDP_MAX_DATAGRAM : 0;
}

static void on_sent(uv_udp_send_t *req, int status) {
        struct udp_send *s = (struct udp_send *) req;
        (void) status;  /* a lost datagram is what UDP allows */
        free(s->data);
        free(s);
}

/* Sends data (taken) on sock, to addr or, when NULL, to its connected peer. */
static void send_taken(uv_udp_t *sock, char *data, size_t len, const struct sockaddr *addr) {
        struct udp_send *s = malloc(sizeof(*s));
        uv_buf_t b = uv_buf_init(data, (unsigned) len);
        if (!s || (s->data = data, uv_udp_send(&s->req, sock, &b, 1, addr, on_sent) < 0)) {
                free(data);
                free(s);
        }
}

static void on_flow_closed(uv_handle_t *h) {
        free(h->data);
}

static void flow_close(struct udp_flow *f) {
        struct net_udp_proxy *p = f->proxy;
        if (p) {
                if (f->prev)
                        f->prev->next = f->next;
                else
                        p->flows = f->next;
                if (f->next)
                        f->next->prev = f->prev;
        }
        uv_close((uv_handle_t *) &f->sock, on_flow_closed);
}

/* A reply from the container: back to the flow's client, through the listener. */
static void on_reply(uv_udp_t *h, ssize_t n, const uv_buf_t *buf, const struct sockaddr *addr,
                     unsigned flags) {
        struct udp_flow *f = h->data;
        (void) addr;
        (void) flags;
        if (n <= 0 || !f->proxy) {
                free(buf->base);
                return;
        }
        f->last_used = uv_now(h->loop);
        send_taken(&f->proxy->listener, buf->base, (size_t) n, (struct sockaddr *) &f->client);
}

static struct udp_flow *flow_for(struct net_udp_proxy *p, const struct sockaddr_in *client) {
        for (struct udp_flow *f = p->flows; f; f = f->next)
                if (f->client.sin_port == client->sin_port &&
                    f->client.sin_addr.s_addr == client->sin_addr.s_addr)
                        return f;
        struct udp_flow *f = calloc(1, sizeof(*f));
        if (!f)
                return NULL;
        uv_udp_init(p->listener.loop, &f->sock);
        f->sock.data = f;
        f->client = *client;
        f->proxy = p;
        if (uv_udp_connect(&f->sock, (struct sockaddr *) &p->target) < 0 ||
            uv_udp_recv_start(&f->sock, on_alloc, on_reply) < 0) {
                f->proxy = NULL;
                uv_close((uv_handle_t *) &f->sock, on_flow_closed);
                return NULL;
        }
        f->next = p->flows;
        if (f->next)
                f->next->prev = f;
        p->flows = f;
        return f;
}

static void on_datagram(uv_udp_t *h, ssize_t n, const uv_buf_t *buf, const struct sockaddr *addr,
                        unsigned flags) {
        struct net_udp_proxy *p = h->data;
        struct udp_flow *f = NULL;
        (void) flags;
        if (n > 0 && addr && addr->sa_family == AF_INET)
                f = flow_for(p, (const struct sockaddr_in *) addr);
        if (!f) {
                free(buf->base);
                return;
        }
        f->last_used = uv_now(h->loop);
        send_taken(&f->sock, buf->base, (size_t) n, NULL);
}

static void on_sweep(uv_timer_t *t) {
        struct net_udp_proxy *p = t->data;
        uint64_t now = uv_now(t->loop);
        for (struct udp_flow *f = p->flows, *next; f; f = next) {
                next = f->next;
                if (now - f->last_used >= UDP_FLOW_IDLE_MS)
                        flow_close(f);
        }
}

static void on_proxy_handle_closed(uv_handle_t *h) {
        struct net_udp_proxy *p = h->data;
        if (--p->open_handles == 0)
                free(p);
}

int net_udp_proxy_start(uv_loop_t *loop, uint32_t host_ip, int *host_port, uint32_t ctr_ip,
                        int ctr_port, struct net_udp_proxy **ret, struct ctrd_error *err) {
        struct net_udp_proxy *p = calloc(1, sizeof(*p));
        if (!p)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        p->target = (struct sockaddr_in) { .sin_family = AF_INET, .sin_port = htons(ctr_port),
                                           .sin_addr.s_addr = htonl(ctr_ip) };
        struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(*host_port),
                                    .sin_addr.s_addr = htonl(host_ip) };
        uv_udp_init(loop, &p->listener);
        uv_timer_init(loop, &p->sweep);
        p->listener.data = p->sweep.data = p;
        p->open_handles = 2;
        int len = sizeof(addr);
        int r = uv_udp_bind(&p->listener, (struct sockaddr *) &addr, 0);
        if (r >= 0)
                r = uv_udp_getsockname(&p->listener, (struct sockaddr *) &addr, &len);
        if (r >= 0)
                r = uv_udp_recv_start(&p->listener, on_alloc, on_datagram);
        if (r < 0) {
                int port = *host_port;
                net_udp_proxy_stop(p);
                return ctrd_error_set(err, -r, "listening on UDP port %d: %s", port, uv_strerror(r));
        }
        uv_timer_start(&p->sweep, on_sweep, UDP_FLOW_IDLE_MS / 3, UDP_FLOW_IDLE_MS / 3);
        *host_port = ntohs(addr.sin_port);
        *ret = p;
        return 0;
}

void net_udp_proxy_stop(struct net_udp_proxy *p) {
        if (!p)
                return;
        while (p->flows)
                flow_close(p->flows);
        uv_close((uv_handle_t *) &p->listener, on_proxy_handle_closed);
        uv_close((uv_handle_t *) &p->sweep, on_proxy_handle_closed);
}
