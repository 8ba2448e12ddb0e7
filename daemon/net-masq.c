/*
 * Outbound traffic of a bridge network: masquerade for its subnet leaving by
 * another interface, forwarding to and from its bridge accepted, in an
 * nftables table of its own (ip ctrd-<bridge>, so removing it is one
 * command and another daemon's tables are never touched), and
 * net.ipv4.ip_forward turned on. Both happen only when a container of a
 * non-internal bridge network starts, never at daemon start.
 *
 * The table goes through the nft binary (nftables' own syntax, one
 * transaction); the loop thread waits for it, once per bridge and daemon
 * run (a few milliseconds).
 */
#define LOG_SUBSYSTEM "net"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs-util.h"
#include "log.h"
#include "net-internal.h"

#define IP_FORWARD "/proc/sys/net/ipv4/ip_forward"

extern char **environ;

/* Runs `nft -f -` with script on its stdin; returns its exit status or -errno. */
static int run_nft(const char *script, struct ctrd_error *err) {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) < 0)
                return ctrd_error_sys(err, errno, "creating a pipe for nft");
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, fds[0], STDIN_FILENO);
        char *argv[] = { (char *) "nft", (char *) "-f", (char *) "-", NULL };
        pid_t pid;
        int r = posix_spawnp(&pid, "nft", &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        close(fds[0]);
        if (r != 0) {
                close(fds[1]);
                return ctrd_error_sys(err, r, "running nft (apt-get install nftables)");
        }
        r = ctrd_write_all(fds[1], script, strlen(script));
        close(fds[1]);
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return ctrd_error_sys(err, errno, "waiting for nft");
        if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return ctrd_error_set(err, EIO, "nft could not install the rules:\n%s", script);
        return 0;
}

static int enable_forwarding(struct ctrd_error *err) {
        char v = '0';
        _cleanup_close_ int fd = open(IP_FORWARD, O_RDWR | O_CLOEXEC);
        if (fd < 0)
                return ctrd_error_sys(err, errno, "opening '%s'", IP_FORWARD);
        if (read(fd, &v, 1) == 1 && v == '1')
                return 0;
        if (pwrite(fd, "1", 1, 0) != 1)
                return ctrd_error_sys(err, errno, "writing '%s'", IP_FORWARD);
        log_info("enabled net.ipv4.ip_forward: a bridge network sends traffic out");
        return 0;
}

static bool already_done(struct net_manager *m, const char *bridge) {
        for (size_t i = 0; i < m->n_masq; i++)
                if (strcmp(m->masq[i], bridge) == 0)
                        return true;
        return false;
}

int net_masq_ensure(struct ctrd_engine *e, const struct store_network *n, struct ctrd_error *err) {
        if (n->internal || already_done(e->net, n->bridge))
                return 0;
        char subnet[NET_IP_STRLEN + 3];
        net_format_cidr(n->subnet, n->prefix, subnet);
        _cleanup_free_ char *script = NULL;
        if (asprintf(&script,
                     "table ip ctrd-%1$s\n"
                     "delete table ip ctrd-%1$s\n"
                     "table ip ctrd-%1$s {\n"
                     "  chain postrouting {\n"
                     "    type nat hook postrouting priority srcnat; policy accept;\n"
                     "    ip saddr %2$s oifname != \"%1$s\" masquerade\n"
                     "  }\n"
                     "  chain forward {\n"
                     "    type filter hook forward priority filter; policy accept;\n"
                     "    iifname \"%1$s\" accept\n"
                     "    oifname \"%1$s\" ct state established,related accept\n"
                     "  }\n"
                     "}\n", n->bridge, subnet) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        int r = run_nft(script, err);
        if (r >= 0)
                r = enable_forwarding(err);
        if (r < 0)
                return ctrd_error_wrap(err, "outbound traffic of network %s", n->name);
        char **l = realloc(e->net->masq, (e->net->n_masq + 1) * sizeof(char *));
        if (!l || !(l[e->net->n_masq] = strdup(n->bridge)))
                return ctrd_error_set(err, ENOMEM, "out of memory");
        e->net->masq = l;
        e->net->n_masq++;
        return 0;
}

void net_masq_remove(struct ctrd_engine *e, const struct store_network *n) {
        _cleanup_free_ char *script = NULL;
        struct ctrd_error err = { 0 };
        if (!*n->bridge || asprintf(&script, "table ip ctrd-%1$s\ndelete table ip ctrd-%1$s\n",
                                    n->bridge) < 0)
                return;
        if (run_nft(script, &err) < 0)
                log_warning("removing the rules of network %s: %s, ignoring", n->name, err.msg);
        for (size_t i = 0; i < e->net->n_masq; i++)
                if (strcmp(e->net->masq[i], n->bridge) == 0) {
                        free(e->net->masq[i]);
                        e->net->masq[i] = e->net->masq[--e->net->n_masq];
                        break;
                }
}
