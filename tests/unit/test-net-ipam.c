/* Unit tests for IPAM (store/ipam.c) and the address helpers (daemon/net-addr.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon/net-addr.h"
#include "store/networks.h"
#include "store/store.h"

struct fixture {
        char dir[64];
        char path[128];
        struct store *s;
};

static int setup(void **state) {
        struct fixture *f = calloc(1, sizeof(*f));
        strcpy(f->dir, "/tmp/ctrd-test-ipam-XXXXXX");
        if (!mkdtemp(f->dir))
                return -1;
        snprintf(f->path, sizeof(f->path), "%s/ctrd.db", f->dir);
        if (store_open(f->path, &f->s, NULL) < 0)
                return -1;
        *state = f;
        return 0;
}

static int teardown(void **state) {
        struct fixture *f = *state;
        store_close(f->s);
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
        int r = system(cmd);
        free(f);
        return r == 0 ? 0 : -1;
}

/* A /29: hosts .1 to .6, the gateway .1, so five addresses to hand out. */
static void add_net(struct store *s, const char *id) {
        struct store_network n = { .name = (char *) id, .driver = (char *) "bridge",
                                   .bridge = (char *) "br-test", .prefix = 29,
                                   .subnet = 0x0a000000, .gateway = 0x0a000001,
                                   .range_lo = 0x0a000001, .range_hi = 0x0a000006, .mtu = 1500 };
        snprintf(n.id, sizeof(n.id), "%s", id);
        assert_int_equal(store_network_add(s, &n, NULL), 0);
}

static void add_ep(struct store *s, const char *net, const char *ctr, uint32_t want) {
        struct store_endpoint ep = { .requested = want };
        snprintf(ep.network_id, sizeof(ep.network_id), "%s", net);
        snprintf(ep.container_id, sizeof(ep.container_id), "%s", ctr);
        snprintf(ep.id, sizeof(ep.id), "ep-%s", ctr);
        assert_int_equal(store_endpoint_put(s, &ep, NULL), 0);
}

static void test_lowest_free_skips_gateway(void **state) {
        struct fixture *f = *state;
        uint32_t ip;
        add_net(f->s, "n1");
        add_ep(f->s, "n1", "a", 0);
        add_ep(f->s, "n1", "b", 0);
        assert_int_equal(store_ipam_allocate(f->s, "n1", "a", &ip, NULL), 0);
        assert_int_equal(ip, 0x0a000002);
        assert_int_equal(store_ipam_allocate(f->s, "n1", "b", &ip, NULL), 0);
        assert_int_equal(ip, 0x0a000003);
        /* Allocating again keeps the address. */
        assert_int_equal(store_ipam_allocate(f->s, "n1", "a", &ip, NULL), 0);
        assert_int_equal(ip, 0x0a000002);
        /* A released address is the next one handed out. */
        assert_int_equal(store_ipam_release(f->s, "n1", "a", NULL), 0);
        add_ep(f->s, "n1", "c", 0);
        assert_int_equal(store_ipam_allocate(f->s, "n1", "c", &ip, NULL), 0);
        assert_int_equal(ip, 0x0a000002);
}

static void test_exhaustion(void **state) {
        struct fixture *f = *state;
        struct ctrd_error err = { 0 };
        uint32_t ip;
        add_net(f->s, "n1");
        for (int i = 0; i < 5; i++) {
                char id[8];
                snprintf(id, sizeof(id), "c%d", i);
                add_ep(f->s, "n1", id, 0);
                assert_int_equal(store_ipam_allocate(f->s, "n1", id, &ip, NULL), 0);
                assert_int_equal(ip, 0x0a000002 + (uint32_t) i);
        }
        add_ep(f->s, "n1", "last", 0);
        assert_int_equal(store_ipam_allocate(f->s, "n1", "last", &ip, &err), -ENOSPC);
        assert_non_null(strstr(err.msg, "no available IPv4 addresses on network n1"));
}

static void test_requested(void **state) {
        struct fixture *f = *state;
        struct ctrd_error err = { 0 };
        uint32_t ip;
        add_net(f->s, "n1");
        add_ep(f->s, "n1", "a", 0x0a000005);
        assert_int_equal(store_ipam_allocate(f->s, "n1", "a", &ip, NULL), 0);
        assert_int_equal(ip, 0x0a000005);
        add_ep(f->s, "n1", "b", 0x0a000005);
        assert_int_equal(store_ipam_allocate(f->s, "n1", "b", &ip, &err), -EADDRINUSE);
        add_ep(f->s, "n1", "c", 0x0a000001);
        assert_int_equal(store_ipam_allocate(f->s, "n1", "c", &ip, &err), -EINVAL);
        add_ep(f->s, "n1", "d", 0x0b000001);
        assert_int_equal(store_ipam_allocate(f->s, "n1", "d", &ip, &err), -EINVAL);
        /* Free choice steps around the requested one. */
        add_ep(f->s, "n1", "e", 0);
        assert_int_equal(store_ipam_allocate(f->s, "n1", "e", &ip, NULL), 0);
        assert_int_equal(ip, 0x0a000002);
}

/* Records survive a reopen (a crash between runs): no address is handed out twice. */
static void test_reopen_no_duplicates(void **state) {
        struct fixture *f = *state;
        uint32_t ip, seen[5] = { 0 };
        add_net(f->s, "n1");
        for (int i = 0; i < 3; i++) {
                char id[8];
                snprintf(id, sizeof(id), "c%d", i);
                add_ep(f->s, "n1", id, 0);
                assert_int_equal(store_ipam_allocate(f->s, "n1", id, &seen[i], NULL), 0);
        }
        store_close(f->s);
        assert_int_equal(store_open(f->path, &f->s, NULL), 0);
        add_ep(f->s, "n1", "new", 0);
        assert_int_equal(store_ipam_allocate(f->s, "n1", "new", &ip, NULL), 0);
        for (int i = 0; i < 3; i++)
                assert_int_not_equal(ip, seen[i]);
        /* Removing the network takes its endpoints with it. */
        assert_int_equal(store_network_remove(f->s, "n1", NULL), 0);
        struct store_endpoint *eps;
        size_t n;
        assert_int_equal(store_endpoint_list(f->s, "n1", NULL, &eps, &n, NULL), 0);
        assert_int_equal(n, 0);
        store_endpoint_list_free(eps, n);
}

static void test_addr_helpers(void **state) {
        (void) state;
        uint32_t ip;
        int prefix;
        char buf[NET_IP_STRLEN + 3], mac[NET_MAC_STRLEN];
        assert_int_equal(net_parse_cidr("172.30.0.0/16", &ip, &prefix), 0);
        assert_int_equal(ip, 0xac1e0000);
        assert_int_equal(prefix, 16);
        assert_int_equal(net_parse_cidr("172.30.0.0", &ip, &prefix), -EINVAL);
        assert_int_equal(net_parse_cidr("172.30.0.0/33", &ip, &prefix), -EINVAL);
        assert_int_equal(net_parse_cidr("300.1.1.1/8", &ip, &prefix), -EINVAL);
        assert_int_equal(net_mask(24), 0xffffff00);
        assert_int_equal(net_mask(0), 0);
        net_format_cidr(0x0a0b0c00, 24, buf);
        assert_string_equal(buf, "10.11.12.0/24");
        net_mac_from_ip(0xac1e0002, mac);
        assert_string_equal(mac, "02:42:ac:1e:00:02");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_lowest_free_skips_gateway, setup, teardown),
                cmocka_unit_test_setup_teardown(test_exhaustion, setup, teardown),
                cmocka_unit_test_setup_teardown(test_requested, setup, teardown),
                cmocka_unit_test_setup_teardown(test_reopen_no_duplicates, setup, teardown),
                cmocka_unit_test(test_addr_helpers),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
