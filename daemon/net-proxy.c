#define LOG_SUBSYSTEM "net"

#include "net-proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define PROXY_CHUNK (64 * 1024)
#define PROXY_QUEUE_MAX (1024 * 1024)   /* bytes queued to a side before its peer is paused */

struct net_tcp_proxy {
        uv_tcp_t listener;
        struct sockaddr_in target;
        struct relay *relays;           /* open connections, closed with the proxy */
};

struct side {
        uv_tcp_t tcp;
        struct relay *relay;
        struct side *peer;
        bool eof;                       /* it sent EOF: its peer was shut down */
};

struct relay {
        struct side client, upstream;
        uv_connect_t connect;
        int open_handles;
        struct net_tcp_proxy *proxy;    /* NULL once the proxy stopped */
        struct relay *prev, *next;
};

struct chunk {
        uv_write_t req;
        struct side *to;
        char *data;
};

static void on_side_closed(uv_handle_t *h) {
        struct side *s = h->data;
        struct relay *r = s->relay;
        if (--r->open_handles > 0)
                return;
        if (r->proxy) {
                if (r->prev)
                        r->prev->next = r->next;
                else
                        r->proxy->relays = r->next;
                if (r->next)
                        r->next->prev = r->prev;
        }
        free(r);
}

static void relay_close(struct relay *r) {
        uv_handle_t *a = (uv_handle_t *) &r->client.tcp, *b = (uv_handle_t *) &r->upstream.tcp;
        if (!uv_is_closing(a))
                uv_close(a, on_side_closed);
        if (!uv_is_closing(b))
                uv_close(b, on_side_closed);
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf) {
        (void) h;
        (void) hint;
        buf->base = malloc(PROXY_CHUNK);
        buf->len = buf->base ? PROXY_CHUNK : 0;
}

static void on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf);

static void on_written(uv_write_t *req, int status) {
        struct chunk *ch = (struct chunk *) req;
        struct side *to = ch->to;
        free(ch->data);
        free(ch);
        if (status < 0) {
                relay_close(to->relay);
                return;
        }
        /* The queue drained enough: read the source again. */
        struct side *from = to->peer;
        if (!from->eof && !uv_is_closing((uv_handle_t *) &from->tcp) &&
            to->tcp.write_queue_size < PROXY_QUEUE_MAX / 2)
                uv_read_start((uv_stream_t *) &from->tcp, on_alloc, on_read);
}

static void on_shutdown(uv_shutdown_t *req, int status) {
        struct side *s = req->data;
        free(req);
        if (status < 0 || (s->eof && s->peer->eof))
                relay_close(s->relay);
}

static void forward(struct side *from, char *data, size_t len) {
        struct side *to = from->peer;
        struct chunk *ch = malloc(sizeof(*ch));
        if (!ch) {
                free(data);
                relay_close(from->relay);
                return;
        }
        ch->to = to;
        ch->data = data;
        uv_buf_t b = uv_buf_init(data, (unsigned) len);
        if (uv_write(&ch->req, (uv_stream_t *) &to->tcp, &b, 1, on_written) < 0) {
                free(data);
                free(ch);
                relay_close(from->relay);
                return;
        }
        if (to->tcp.write_queue_size >= PROXY_QUEUE_MAX)
                uv_read_stop((uv_stream_t *) &from->tcp);
}

static void on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf) {
        struct side *from = st->data;
        if (n > 0) {
                forward(from, buf->base, (size_t) n);
                return;
        }
        free(buf->base);
        if (n == 0)
                return;
        if (n != UV_EOF) {
                relay_close(from->relay);
                return;
        }
        from->eof = true;
        uv_read_stop(st);
        uv_shutdown_t *req = malloc(sizeof(*req));
        if (!req || (req->data = from->peer,
                     uv_shutdown(req, (uv_stream_t *) &from->peer->tcp, on_shutdown) < 0)) {
                free(req);
                relay_close(from->relay);
        }
}

static void on_upstream(uv_connect_t *req, int status) {
        struct relay *r = req->data;
        if (status < 0) {
                log_debug("proxy: connecting to the container: %s", uv_strerror(status));
                relay_close(r);
                return;
        }
        uv_read_start((uv_stream_t *) &r->client.tcp, on_alloc, on_read);
        uv_read_start((uv_stream_t *) &r->upstream.tcp, on_alloc, on_read);
}

static void on_connection(uv_stream_t *server, int status) {
        struct net_tcp_proxy *p = server->data;
        if (status < 0)
                return;
        struct relay *r = calloc(1, sizeof(*r));
        if (!r)
                return;
        r->client = (struct side) { .relay = r, .peer = &r->upstream };
        r->upstream = (struct side) { .relay = r, .peer = &r->client };
        uv_tcp_init(server->loop, &r->client.tcp);
        uv_tcp_init(server->loop, &r->upstream.tcp);
        r->client.tcp.data = &r->client;
        r->upstream.tcp.data = &r->upstream;
        r->open_handles = 2;
        r->connect.data = r;
        r->proxy = p;
        r->next = p->relays;
        if (r->next)
                r->next->prev = r;
        p->relays = r;
        if (uv_accept(server, (uv_stream_t *) &r->client.tcp) < 0 ||
            uv_tcp_connect(&r->connect, &r->upstream.tcp, (struct sockaddr *) &p->target,
                           on_upstream) < 0)
                relay_close(r);
}

static void on_listener_closed(uv_handle_t *h) {
        free(h->data);
}

int net_tcp_proxy_start(uv_loop_t *loop, uint32_t host_ip, int *host_port, uint32_t ctr_ip,
                        int ctr_port, struct net_tcp_proxy **ret, struct ctrd_error *err) {
        struct net_tcp_proxy *p = calloc(1, sizeof(*p));
        if (!p)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        p->target = (struct sockaddr_in) { .sin_family = AF_INET, .sin_port = htons(ctr_port),
                                           .sin_addr.s_addr = htonl(ctr_ip) };
        struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(*host_port),
                                    .sin_addr.s_addr = htonl(host_ip) };
        uv_tcp_init(loop, &p->listener);
        p->listener.data = p;
        int r = uv_tcp_bind(&p->listener, (struct sockaddr *) &addr, 0);
        if (r >= 0)
                r = uv_listen((uv_stream_t *) &p->listener, 128, on_connection);
        int len = sizeof(addr);
        if (r >= 0)
                r = uv_tcp_getsockname(&p->listener, (struct sockaddr *) &addr, &len);
        if (r < 0) {
                char ip[INET_ADDRSTRLEN];
                struct in_addr a = { .s_addr = htonl(host_ip) };
                inet_ntop(AF_INET, &a, ip, sizeof(ip));
                uv_close((uv_handle_t *) &p->listener, on_listener_closed);
                return ctrd_error_set(err, -r, "listening on %s:%d: %s", ip, *host_port,
                                      uv_strerror(r));
        }
        *host_port = ntohs(addr.sin_port);
        *ret = p;
        return 0;
}

void net_tcp_proxy_stop(struct net_tcp_proxy *p) {
        if (!p)
                return;
        for (struct relay *r = p->relays, *next; r; r = next) {
                next = r->next;
                r->proxy = NULL;
                relay_close(r);
        }
        p->relays = NULL;
        uv_close((uv_handle_t *) &p->listener, on_listener_closed);
}
