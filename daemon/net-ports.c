/*
 * Published ports: HostConfig.PortBindings (and every Config.ExposedPorts
 * with PublishAllPorts) become TCP or UDP proxies from the host address to the
 * container's, for as long as the container runs. A HostPort of "" or "0"
 * takes a free port; what was taken is what inspect and `ctrctl port` show,
 * and it is kept in RUN/containers/ID/ports.json so that a restarted daemon
 * publishes the same ports again.
 */
#define LOG_SUBSYSTEM "net"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fs-util.h"
#include "log.h"
#include "net-internal.h"
#include "net-proxy.h"
#include "string-util.h"

struct net_proxy {
        struct net_proxy *next;
        char ctr_id[65];
        char key[24];                   /* "80/tcp" */
        char host_ip[NET_IP_STRLEN];    /* as given ("" = 0.0.0.0) */
        int host_port;
        struct net_tcp_proxy *tcp;      /* one of the two */
        struct net_udp_proxy *udp;
};

/* "80/tcp", "53/udp" or "80" → port and protocol; -EINVAL for another protocol or a range. */
static int parse_key(const char *key, int *ret, bool *ret_udp, struct ctrd_error *err) {
        char num[8];
        const char *slash = strchr(key, '/');
        size_t n = slash ? (size_t) (slash - key) : strlen(key);
        int64_t v;
        *ret_udp = slash && strcmp(slash + 1, "udp") == 0;
        if (slash && strcmp(slash + 1, "tcp") != 0 && !*ret_udp)
                return ctrd_error_set(err, EINVAL, "publishing %s: ctrd publishes TCP and UDP ports "
                                      "only", key);
        if (n == 0 || n >= sizeof(num))
                return ctrd_error_set(err, EINVAL, "invalid port %s", key);
        memcpy(num, key, n);
        num[n] = '\0';
        if (ctrd_parse_int64(num, 1, 65535, &v) < 0)
                return ctrd_error_set(err, EINVAL, "invalid port %s", key);
        *ret = (int) v;
        return 0;
}

static int publish_one(struct ctrd_engine *e, struct ctr *c, uint32_t ip, const char *key,
                       const char *host_ip, const char *host_port, json_t *saved,
                       struct ctrd_error *err) {
        int ctr_port, port = 0;
        uint32_t hip = 0;
        int64_t v = 0;
        bool udp;
        int r = parse_key(key, &ctr_port, &udp, err);
        if (r < 0)
                return r;
        if (host_ip && *host_ip && net_parse_ip(host_ip, &hip) < 0)
                return ctrd_error_set(err, EINVAL, "invalid host IP %s for port %s", host_ip, key);
        if (host_port && *host_port && ctrd_parse_int64(host_port, 0, 65535, &v) < 0)
                return ctrd_error_set(err, EINVAL, "invalid host port %s for port %s", host_port, key);
        port = (int) v;
        /* A free port picked before a daemon restart: the same one again. */
        size_t i;
        json_t *s;
        json_array_foreach(json_object_get(saved, key), i, s)
                if (port == 0 && !json_is_true(json_object_get(s, "used")) &&
                    strcmp(json_string_value(json_object_get(s, "HostIp")) ?: "", host_ip ?: "") == 0) {
                        port = (int) json_integer_value(json_object_get(s, "HostPort"));
                        json_object_set_new(s, "used", json_true());
                }
        struct net_proxy *p = calloc(1, sizeof(*p));
        if (!p)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        r = udp ? net_udp_proxy_start(e->loop, hip, &port, ip, ctr_port, &p->udp, err)
                : net_tcp_proxy_start(e->loop, hip, &port, ip, ctr_port, &p->tcp, err);
        if (r < 0) {
                free(p);
                return ctrd_error_wrap(err, "publishing port %s", key);
        }
        snprintf(p->ctr_id, sizeof(p->ctr_id), "%s", c->rec.id);
        snprintf(p->key, sizeof(p->key), "%s", key);
        snprintf(p->host_ip, sizeof(p->host_ip), "%s", host_ip ? host_ip : "");
        p->host_port = port;
        p->next = e->net->proxies;
        e->net->proxies = p;
        return 0;
}

static char *saved_path(struct ctr *c) {
        char *p = NULL;
        return asprintf(&p, "%s/ports.json", c->run_dir) < 0 ? NULL : p;
}

/* {"80/tcp": [{"HostIp": "", "HostPort": 32768}]}: what this run took. */
static int save_ports(struct ctrd_engine *e, struct ctr *c, struct ctrd_error *err) {
        json_t *o = json_object();
        for (struct net_proxy *p = e->net->proxies; p; p = p->next) {
                if (strcmp(p->ctr_id, c->rec.id) != 0)
                        continue;
                json_t *l = json_object_get(o, p->key);
                if (!l) {
                        l = json_array();
                        json_object_set_new(o, p->key, l);
                }
                json_array_append_new(l, json_pack("{s:s, s:i}", "HostIp", p->host_ip,
                                                   "HostPort", p->host_port));
        }
        _cleanup_free_ char *text = json_dumps(o, JSON_COMPACT), *path = saved_path(c);
        json_decref(o);
        if (!text || !path)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        int r = ctrd_mkdir_p(c->run_dir, 0700, err);
        return r < 0 ? r : ctrd_write_file_atomic(path, text, strlen(text), 0600, err);
}

static int publish_all(struct ctrd_engine *e, struct ctr *c, uint32_t ip, json_t *saved,
                       struct ctrd_error *err) {
        json_t *bindings = json_object_get(ctr_host(c), "PortBindings"), *list, *b;
        const char *key;
        size_t i;
        int r = 0;
        json_object_foreach(bindings, key, list) {
                json_array_foreach(list, i, b) {
                        r = publish_one(e, c, ip, key, json_string_value(json_object_get(b, "HostIp")),
                                        json_string_value(json_object_get(b, "HostPort")), saved, err);
                        if (r < 0)
                                return r;
                }
        }
        if (!json_is_true(json_object_get(ctr_host(c), "PublishAllPorts")))
                return 0;
        json_object_foreach(json_object_get(ctr_config(c), "ExposedPorts"), key, list) {
                if (json_object_get(bindings, key))
                        continue;
                r = publish_one(e, c, ip, key, NULL, NULL, saved, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

int net_ports_publish(struct ctrd_engine *e, struct ctr *c, uint32_t ip, bool restore,
                      struct ctrd_error *err) {
        _cleanup_free_ char *path = restore ? saved_path(c) : NULL;
        json_t *saved = path ? json_load_file(path, 0, NULL) : NULL;
        int r = publish_all(e, c, ip, saved, err);
        json_decref(saved);
        if (r >= 0 && e->net->proxies)
                r = save_ports(e, c, err);
        return r;
}

void net_ports_unpublish(struct ctrd_engine *e, const char *ctr_id) {
        struct net_proxy **pp = &e->net->proxies;
        while (*pp) {
                struct net_proxy *p = *pp;
                if (ctr_id && strcmp(p->ctr_id, ctr_id) != 0) {
                        pp = &p->next;
                        continue;
                }
                *pp = p->next;
                net_tcp_proxy_stop(p->tcp);
                net_udp_proxy_stop(p->udp);
                free(p);
        }
}

void net_ports_free_all(struct ctrd_engine *e) {
        net_ports_unpublish(e, NULL);
}

static json_t *binding_json(const struct net_proxy *p) {
        char port[8];
        snprintf(port, sizeof(port), "%d", p->host_port);
        return json_pack("{s:s, s:s}", "HostIp", *p->host_ip ? p->host_ip : "0.0.0.0",
                         "HostPort", port);
}

json_t *net_ports_settings(struct ctrd_engine *e, struct ctr *c) {
        json_t *o = json_object(), *v;
        const char *key;
        /* Exposed but unpublished ports show as null, as in Docker. */
        json_object_foreach(json_object_get(ctr_config(c), "ExposedPorts"), key, v)
                json_object_set_new(o, key, json_null());
        for (struct net_proxy *p = e->net->proxies; p; p = p->next) {
                if (strcmp(p->ctr_id, c->rec.id) != 0)
                        continue;
                json_t *l = json_object_get(o, p->key);
                if (!json_is_array(l)) {
                        l = json_array();
                        json_object_set_new(o, p->key, l);
                }
                json_array_append_new(l, binding_json(p));
        }
        return o;
}

json_t *net_ports_list(struct ctrd_engine *e, struct ctr *c) {
        json_t *a = json_array();
        for (struct net_proxy *p = e->net->proxies; p; p = p->next) {
                int port;
                bool udp;
                if (strcmp(p->ctr_id, c->rec.id) != 0 || parse_key(p->key, &port, &udp, NULL) < 0)
                        continue;
                json_array_append_new(a, json_pack("{s:s, s:i, s:i, s:s}", "IP",
                                                   *p->host_ip ? p->host_ip : "0.0.0.0",
                                                   "PrivatePort", port, "PublicPort", p->host_port,
                                                   "Type", udp ? "udp" : "tcp"));
        }
        return a;
}
