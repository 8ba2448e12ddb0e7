/*
 * The PORTS column of ps, as docker's DisplayablePorts writes it: ports
 * sorted by container port, then IP, host port and protocol; ports published
 * on the same number (or not published) grouped into ranges per IP and
 * protocol ("0.0.0.0:80-81->80-81/tcp", "53/udp"); the other mappings listed
 * one by one after the groups ("127.0.0.1:8080->80/tcp").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

struct port {
        const char *ip, *type;
        long priv, pub;
};

struct group {
        char key[80];                   /* "type" or "ip/type" */
        long first, last;
};

static int compare_ports(const void *a, const void *b) {
        const struct port *x = a, *y = b;
        if (x->priv != y->priv)
                return x->priv < y->priv ? -1 : 1;
        int c = strcmp(x->ip, y->ip);
        if (c != 0)
                return c;
        if (x->pub != y->pub)
                return x->pub < y->pub ? -1 : 1;
        return strcmp(x->type, y->type);
}

/* host:port with IPv6 addresses in brackets, as Go's net.JoinHostPort. */
static void host_port(FILE *out, const char *ip, const char *port) {
        fprintf(out, strchr(ip, ':') ? "[%s]:%s" : "%s:%s", ip, port);
}

static void print_group(FILE *out, const struct group *g, bool *first) {
        char range[32];
        const char *slash = strchr(g->key, '/');
        snprintf(range, sizeof(range), g->first == g->last ? "%ld" : "%ld-%ld", g->first, g->last);
        fputs(*first ? "" : ", ", out);
        *first = false;
        if (slash) {
                char ip[80];
                snprintf(ip, sizeof(ip), "%.*s", (int) (slash - g->key), g->key);
                host_port(out, ip, range);
                fprintf(out, "->%s/%s", range, slash + 1);
        } else {
                fprintf(out, "%s/%s", range, g->key);
        }
}

/* Adds p to its group; a gap in the numbers closes the group (printed) and opens a new one. */
static void add_to_groups(struct group *groups, size_t *n, const struct port *p, FILE *out,
                          bool *first) {
        char key[80];
        if (*p->ip)
                snprintf(key, sizeof(key), "%s/%s", p->ip, p->type);
        else
                snprintf(key, sizeof(key), "%s", p->type);
        for (size_t i = 0; i < *n; i++) {
                if (strcmp(groups[i].key, key) != 0)
                        continue;
                if (p->priv == groups[i].last + 1) {
                        groups[i].last = p->priv;
                } else {
                        print_group(out, &groups[i], first);
                        groups[i].first = groups[i].last = p->priv;
                }
                return;
        }
        snprintf(groups[*n].key, sizeof(groups[*n].key), "%s", key);
        groups[*n].first = groups[*n].last = p->priv;
        (*n)++;
}

char *ctl_ports_text(json_t *list) {
        size_t n = json_array_size(list), n_groups = 0;
        struct port *ports = calloc(n + 1, sizeof(*ports));
        struct group *groups = calloc(n + 1, sizeof(*groups));
        char *text = NULL, *mappings = NULL;
        size_t len = 0, mlen = 0;
        FILE *out = open_memstream(&text, &len), *m = open_memstream(&mappings, &mlen);
        bool first = true, first_mapping = true;
        for (size_t i = 0; ports && i < n; i++) {
                json_t *p = json_array_get(list, i);
                const char *ip = json_string_value(json_object_get(p, "IP"));
                const char *type = json_string_value(json_object_get(p, "Type"));
                ports[i] = (struct port) { ip ? ip : "", type ? type : "",
                                           (long) json_integer_value(json_object_get(p, "PrivatePort")),
                                           (long) json_integer_value(json_object_get(p, "PublicPort")) };
        }
        if (!ports || !groups || !out || !m)
                goto done;
        qsort(ports, n, sizeof(*ports), compare_ports);
        for (size_t i = 0; i < n; i++) {
                const struct port *p = &ports[i];
                if (*p->ip && p->pub != p->priv) {
                        char pub[24];
                        snprintf(pub, sizeof(pub), "%ld", p->pub);
                        fputs(first_mapping ? "" : ", ", m);
                        first_mapping = false;
                        host_port(m, p->ip, pub);
                        fprintf(m, "->%ld/%s", p->priv, p->type);
                } else {
                        add_to_groups(groups, &n_groups, p, out, &first);
                }
        }
        for (size_t i = 0; i < n_groups; i++)
                print_group(out, &groups[i], &first);
        fflush(m);
        if (mlen > 0)
                fprintf(out, "%s%s", first ? "" : ", ", mappings);
done:
        if (m)
                fclose(m);
        if (out)
                fclose(out);
        free(mappings);
        free(ports);
        free(groups);
        return text;
}
