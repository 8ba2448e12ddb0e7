/*
 * Name resolution on user-defined networks: every member's /etc/hosts holds a
 * block per network with the names, hostnames and aliases of all its running
 * members, rewritten whenever one joins or leaves. Chosen over a DNS
 * responder because it needs no resolver, no socket in each namespace and
 * no query path on the loop; the cost is a rewrite per member on every
 * start and stop (docs/networking.md has the measurement).
 *
 * The file is bind-mounted into the container, so it is rewritten in place
 * (same inode), never replaced.
 */
#define LOG_SUBSYSTEM "net"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs-util.h"
#include "log.h"
#include "net-internal.h"

#define BLOCK_END "# end of ctrd network\n"

static void append_member(FILE *f, struct ctr *c, const struct store_endpoint *ep) {
        char ip[NET_IP_STRLEN];
        net_format_ip(ep->ip, ip);
        fprintf(f, "%s\t%s", ip, c->rec.name);
        const char *hn = ctr_json_str(ctr_config(c), "Hostname", "");
        if (*hn && strcmp(hn, c->rec.name) != 0)
                fprintf(f, " %s", hn);
        json_t *aliases = json_loads(ep->aliases, 0, NULL), *a;
        size_t i;
        json_array_foreach(aliases, i, a)
                if (json_string_value(a) && strcmp(json_string_value(a), c->rec.name) != 0)
                        fprintf(f, " %s", json_string_value(a));
        json_decref(aliases);
        fputc('\n', f);
}

/* The block for network n: its running members, one line each. */
static char *render_block(struct ctrd_engine *e, const struct store_network *n,
                          const struct store_endpoint *eps, size_t count) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                return NULL;
        fprintf(f, "# ctrd network %s\n", n->id);
        for (size_t i = 0; i < count; i++) {
                struct ctr *c;
                if (eps[i].ip && ctr_lookup(e, eps[i].container_id, &c, NULL) >= 0)
                        append_member(f, c, &eps[i]);
        }
        fputs(BLOCK_END, f);
        fclose(f);
        return buf;
}

/* Replaces (or adds) n's block in the hosts file at path; block NULL removes it. */
static int rewrite(const char *path, const struct store_network *n, const char *block,
                   struct ctrd_error *err) {
        _cleanup_free_ char *old = NULL, *out = NULL, *begin = NULL;
        size_t len = 0;
        int r = ctrd_read_file(path, 1 << 20, &old, &len, err);
        if (r < 0)
                return r;
        if (asprintf(&begin, "# ctrd network %s\n", n->id) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        char *start = strstr(old, begin), *end = start ? strstr(start, BLOCK_END) : NULL;
        size_t keep = start && end ? (size_t) (start - old) : len;
        const char *rest = start && end ? end + strlen(BLOCK_END) : "";
        if (asprintf(&out, "%.*s%s%s", (int) keep, old, rest, block ? block : "") < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if (strcmp(out, old) == 0)
                return 0;
        size_t n_out = strlen(out);
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return ctrd_error_sys(err, errno, "opening '%s'", path);
        /* Overwrite, then cut: truncating to zero first would make ext4 flush the file
         * to disk on close (auto_da_alloc), milliseconds per member. */
        if (pwrite(fd, out, n_out, 0) != (ssize_t) n_out || ftruncate(fd, (off_t) n_out) < 0)
                return ctrd_error_sys(err, errno, "writing '%s'", path);
        return 0;
}

void net_hosts_refresh(struct ctrd_engine *e, const char *network_id) {
        struct store_network n;
        struct store_endpoint *eps = NULL;
        size_t count = 0;
        struct ctrd_error err = { 0 };
        if (net_lookup(e, network_id, &n, NULL) < 0)
                return;
        /* The default bridge has no name resolution, as in Docker. */
        if (!net_is_predefined(n.name) &&
            store_endpoint_list(e->store, n.id, NULL, &eps, &count, &err) >= 0) {
                _cleanup_free_ char *block = render_block(e, &n, eps, count);
                for (size_t i = 0; i < count; i++) {
                        struct ctr *c;
                        _cleanup_free_ char *path = NULL;
                        if (ctr_lookup(e, eps[i].container_id, &c, NULL) < 0 ||
                            asprintf(&path, "%s/hosts", c->dir) < 0 || access(path, F_OK) < 0)
                                continue;
                        if (rewrite(path, &n, eps[i].ip ? block : NULL, &err) < 0)
                                log_warning("container %s: %s, ignoring", c->rec.id, err.msg);
                }
        }
        store_endpoint_list_free(eps, count);
        store_network_clear(&n);
}
