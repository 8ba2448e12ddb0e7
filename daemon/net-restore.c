/*
 * After a daemon restart: what stopped containers left behind goes (their
 * addresses, veths, netns files, and veths on our bridges no endpoint owns),
 * and the ports of running containers are published again.
 */
#define LOG_SUBSYSTEM "net"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "log.h"
#include "net-internal.h"
#include "net-netns.h"
#include "net.h"

static bool running_ctr(struct ctrd_engine *e, const char *id, struct ctr **ret) {
        return ctr_lookup(e, id, ret, NULL) >= 0 && strcmp((*ret)->rec.id, id) == 0 &&
               ctr_is_running(*ret);
}

/* Netns files of containers that are not running. */
static void clean_netns_dir(struct ctrd_engine *e) {
        _cleanup_free_ char *dir = NULL;
        if (asprintf(&dir, "%s/netns", e->run_root) < 0)
                return;
        DIR *d = opendir(dir);
        struct dirent *de;
        while (d && (de = readdir(d))) {
                struct ctr *c;
                _cleanup_free_ char *path = NULL;
                if (de->d_name[0] == '.' || running_ctr(e, de->d_name, &c) ||
                    asprintf(&path, "%s/%s", dir, de->d_name) < 0)
                        continue;
                log_info("removing orphaned network namespace %s", path);
                net_netns_remove(path, NULL);
        }
        if (d)
                closedir(d);
}

/* One network: addresses of stopped containers back, their veths gone, orphans too. */
static void restore_network(struct ctrd_engine *e, const struct store_network *n) {
        struct store_endpoint *eps = NULL;
        size_t count = 0, kept = 0;
        if (store_endpoint_list(e->store, n->id, NULL, &eps, &count, NULL) < 0)
                return;
        char **keep = calloc(count + 1, sizeof(char *));
        for (size_t i = 0; i < count; i++) {
                struct ctr *c;
                if (running_ctr(e, eps[i].container_id, &c)) {
                        char veth[16];
                        net_veth_name(c->rec.id, n->id, veth);
                        if (keep)
                                keep[kept++] = strdup(veth);
                } else if (eps[i].ip) {
                        log_info("releasing the address of stopped container %s on %s",
                                 eps[i].container_id, n->name);
                        store_ipam_release(e->store, n->id, eps[i].container_id, NULL);
                }
        }
        if (*n->bridge && keep)
                net_bridge_clean_orphans(n, keep);
        strv_free(keep);
        store_endpoint_list_free(eps, count);
}

void net_manager_restore(struct ctrd_engine *e) {
        struct store_network *l = NULL;
        size_t n = 0;
        struct ctrd_error err = { 0 };
        if (store_network_list(e->store, &l, &n, &err) < 0) {
                log_error("restoring networks: %s", err.msg);
                return;
        }
        for (size_t i = 0; i < n; i++)
                restore_network(e, &l[i]);
        store_network_list_free(l, n);
        clean_netns_dir(e);
        for (struct ctr *c = e->containers.list; c; c = c->next) {
                struct store_endpoint *eps = NULL;
                size_t count = 0;
                if (!ctr_is_running(c) ||
                    store_endpoint_list(e->store, NULL, c->rec.id, &eps, &count, NULL) < 0)
                        continue;
                if (count > 0 && eps[0].ip && net_ports_publish(e, c, eps[0].ip, true, &err) < 0)
                        log_error("container %s: %s", c->rec.id, err.msg);
                store_endpoint_list_free(eps, count);
                ctr_parsed_release(c);
        }
}

void net_manager_free(struct ctrd_engine *e) {
        if (!e->net)
                return;
        net_ports_free_all(e);
        for (size_t i = 0; i < e->net->n_masq; i++)
                free(e->net->masq[i]);
        free(e->net->masq);
        net_cache_free(e->net);
        free(e->net);
        e->net = NULL;
}
