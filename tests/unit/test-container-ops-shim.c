/*
 * The shim's half of pause/top/stats without root: rt_cgroup_usage and
 * rt_cgroup_procs on fake v1 and v2 trees, the control op replies built from
 * them, and the client decoding those replies (including a pid list far
 * larger than one 4 KiB buffer) over a SOCK_SEQPACKET pair.
 */
#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "cgroup-internal.h"
#include "cleanup.h"
#include "control-ops.h"
#include "fs-util.h"
#include "runtime/container.h"
#include "shim-client.h"

static void put(const char *dir, const char *file, const char *content) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, file);
        FILE *f = fopen(path, "we");
        assert_non_null(f);
        fputs(content, f);
        fclose(f);
}

static char *mkdirf(const char *fmt, ...) _printf_(1, 2);
static char *mkdirf(const char *fmt, ...) {
        char *p = NULL;
        va_list ap;
        va_start(ap, fmt);
        assert_true(vasprintf(&p, fmt, ap) >= 0);
        va_end(ap);
        assert_int_equal(ctrd_mkdir_p(p, 0755, NULL), 0);
        return p;
}

static int tmp_setup(void **state) {
        char tmpl[] = "/tmp/test-container-ops-shim-XXXXXX";
        assert_non_null(mkdtemp(tmpl));
        *state = strdup(tmpl);
        return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        return remove(path);
}

static int tmp_teardown(void **state) {
        assert_int_equal(nftw(*state, rm_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
        free(*state);
        return 0;
}

/* A v2 container cgroup at ROOT/c with the files the usage readers look at. */
static struct rt_cgroup *fake_v2(const char *root) {
        _cleanup_free_ char *dir = mkdirf("%s/c", root);
        put(dir, "memory.current", "8192\n");
        put(dir, "memory.max", "max\n");
        put(dir, "memory.peak", "16384\n");
        put(dir, "memory.stat", "anon 4096\nfile 4096\ninactive_file 1024\n");
        put(dir, "cpu.stat", "usage_usec 3000\nuser_usec 2000\nsystem_usec 1000\n"
                             "nr_periods 7\nnr_throttled 2\nthrottled_usec 50\n");
        put(dir, "pids.current", "3\n");
        put(dir, "pids.max", "100\n");
        put(dir, "cgroup.procs", "12\n7\n30\n");
        struct rt_cgroup_host host = { .mode = RT_CGROUP_V2, .root = root };
        struct rt_cgroup *cg = NULL;
        assert_int_equal(rt_cgroup_open_in(&host, "/c", &cg, NULL), 0);
        return cg;
}

static void usage_v2(void **state) {
        struct rt_cgroup *cg = fake_v2(*state);
        struct rt_cgroup_usage u;
        struct ctrd_error err = { 0 };
        assert_int_equal(rt_cgroup_usage(cg, &u, &err), 0);
        assert_int_equal(u.base.memory_usage, 8192);
        assert_true(u.memory_limit == UINT64_MAX);      /* "max" */
        assert_int_equal(u.memory_max_usage, 16384);
        assert_int_equal(u.base.cpu_usage_ns, 3000000);
        assert_int_equal(u.cpu_user_ns, 2000000);
        assert_int_equal(u.cpu_system_ns, 1000000);
        assert_int_equal(u.cpu_periods, 7);
        assert_int_equal(u.cpu_throttled_periods, 2);
        assert_int_equal(u.cpu_throttled_ns, 50000);
        assert_int_equal(u.pids_limit, 100);
        assert_int_equal(u.n_percpu, 0);
        assert_non_null(strstr(u.memory_stat, "inactive_file 1024"));
        rt_cgroup_usage_done(&u);

        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        assert_int_equal(rt_cgroup_procs(cg, &pids, &n, &err), 0);
        assert_int_equal(n, 3);
        assert_int_equal(pids[0], 12);
        assert_int_equal(pids[2], 30);
        rt_cgroup_free(cg);
}

static void usage_v1(void **state) {
        const char *root = *state;
        _cleanup_free_ char *mountinfo = NULL;
        assert_true(asprintf(&mountinfo, "%s/mountinfo", root) >= 0);
        FILE *f = fopen(mountinfo, "we");
        assert_non_null(f);
        fprintf(f, "31 23 0:28 / %s rw,relatime - tmpfs tmpfs rw,mode=755\n", root);
        fprintf(f, "32 31 0:29 / %s/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n", root);
        fprintf(f, "35 31 0:32 / %s/memory rw - cgroup cgroup rw,memory\n", root);
        fprintf(f, "36 31 0:33 / %s/pids rw - cgroup cgroup rw,pids\n", root);
        fclose(f);
        _cleanup_free_ char *cpu = mkdirf("%s/cpu,cpuacct/c", root);
        _cleanup_free_ char *mem = mkdirf("%s/memory/c", root);
        _cleanup_free_ char *pids = mkdirf("%s/pids/c", root);
        put(cpu, "cpuacct.usage", "5000\n");
        put(cpu, "cpuacct.usage_percpu", "3000 2000 \n");
        put(cpu, "cpuacct.stat", "user 3\nsystem 1\n");
        put(cpu, "cpu.stat", "nr_periods 4\nnr_throttled 1\nthrottled_time 999\n");
        put(mem, "memory.usage_in_bytes", "65536\n");
        put(mem, "memory.limit_in_bytes", "67108864\n");
        put(mem, "memory.max_usage_in_bytes", "131072\n");
        put(mem, "memory.stat", "cache 0\ntotal_inactive_file 4096\n");
        put(pids, "pids.current", "2\n");
        put(pids, "pids.max", "max\n");

        struct rt_cgroup_host host = { .mode = RT_CGROUP_V1, .root = root, .mountinfo = mountinfo };
        struct rt_cgroup *cg = NULL;
        struct rt_cgroup_usage u;
        struct ctrd_error err = { 0 };
        assert_int_equal(rt_cgroup_open_in(&host, "/c", &cg, &err), 0);
        assert_int_equal(rt_cgroup_usage(cg, &u, &err), 0);
        assert_int_equal(u.base.memory_usage, 65536);
        assert_int_equal(u.memory_limit, 67108864);
        assert_int_equal(u.memory_max_usage, 131072);
        assert_int_equal(u.base.cpu_usage_ns, 5000);
        long hz = sysconf(_SC_CLK_TCK);
        assert_int_equal(u.cpu_user_ns, 3 * (1000000000 / hz));
        assert_int_equal(u.cpu_system_ns, 1 * (1000000000 / hz));
        assert_int_equal(u.cpu_throttled_ns, 999);
        assert_int_equal(u.n_percpu, 2);
        assert_int_equal(u.percpu_ns[0], 3000);
        assert_int_equal(u.percpu_ns[1], 2000);
        assert_true(u.pids_limit == UINT64_MAX);
        assert_int_equal(u.base.pids_current, 2);
        rt_cgroup_usage_done(&u);
        rt_cgroup_free(cg);
}

/* Queues reply on one end of a fresh pair, as the shim would answer; returns the client end. */
static int queued_reply(const char *reply, int *ret_server) {
        int sv[2];
        assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
        assert_true(send(sv[1], reply, strlen(reply), 0) == (ssize_t) strlen(reply));
        *ret_server = sv[1];
        return sv[0];
}

static void stats_round_trip(void **state) {
        struct rt_cgroup *cg = fake_v2(*state);
        struct rt_container c = { .pid = 1, .pty_master = -1, .cgroup = cg };
        struct shim_request req = { .op = SHIM_OP_STATS };
        _cleanup_free_ char *line = shim_control_ops_handle(&c, &req);
        assert_non_null(line);

        int server;
        _cleanup_close_ int fd = queued_reply(line, &server);
        struct ctrd_shim_stats s;
        struct ctrd_error err = { 0 };
        assert_int_equal(ctrd_shim_stats(fd, &s, &err), 0);
        assert_int_equal(s.memory_usage, 8192);
        assert_int_equal(s.memory_limit, 0);            /* "max" travels as 0: unlimited */
        assert_int_equal(s.memory_max_usage, 16384);
        assert_int_equal(s.cpu_total_ns, 3000000);
        assert_int_equal(s.pids_current, 3);
        assert_int_equal(s.pids_limit, 100);
        assert_true(s.system_cpu_ns > 0);
        assert_true(s.online_cpus > 0);
        assert_true(strlen(s.read) > 20);
        assert_int_equal(s.n_memory_stat, 3);
        assert_string_equal(s.memory_stat[2].key, "inactive_file");
        assert_int_equal(s.memory_stat[2].value, 1024);
        ctrd_shim_stats_done(&s);

        /* The request the client sent is what the shim parses. */
        char buf[256];
        ssize_t n = recv(server, buf, sizeof(buf), 0);
        assert_true(n > 0);
        struct shim_request got;
        assert_int_equal(shim_request_parse(buf, (size_t) n, &got, &err), 0);
        assert_int_equal(got.op, SHIM_OP_STATS);
        close(server);
        rt_cgroup_free(cg);
}

static void pids_larger_than_a_page(void **state) {
        _cleanup_free_ char *dir = mkdirf("%s/big", (char *) *state);
        _cleanup_free_ char *list = malloc(5000 * 12);
        size_t len = 0;
        for (int i = 0; i < 5000; i++)
                len += (size_t) snprintf(list + len, 5000 * 12 - len, "%d\n", 100000 + i);
        put(dir, "cgroup.procs", list);
        struct rt_cgroup_host host = { .mode = RT_CGROUP_V2, .root = *state };
        struct rt_cgroup *cg = NULL;
        assert_int_equal(rt_cgroup_open_in(&host, "/big", &cg, NULL), 0);
        struct rt_container c = { .pid = 1, .pty_master = -1, .cgroup = cg };
        struct shim_request req = { .op = SHIM_OP_PIDS };
        _cleanup_free_ char *line = shim_control_ops_handle(&c, &req);
        assert_true(strlen(line) > 4096);

        int server;
        _cleanup_close_ int fd = queued_reply(line, &server);
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        assert_int_equal(ctrd_shim_pids(fd, &pids, &n, NULL), 0);
        assert_int_equal(n, 5000);
        assert_int_equal(pids[4999], 104999);
        close(server);
        rt_cgroup_free(cg);
}

static void errors(void **state) {
        struct shim_request req = { .op = SHIM_OP_PAUSE };
        struct ctrd_error err = { 0 };
        int server;

        /* After the container was destroyed: ESRCH, which the client returns as -ESRCH. */
        _cleanup_free_ char *gone = shim_control_ops_handle(NULL, &req);
        _cleanup_close_ int fd = queued_reply(gone, &server);
        assert_int_equal(ctrd_shim_pause(fd, true, &err), -ESRCH);
        assert_non_null(strstr(err.msg, "exited"));
        close(server);

        struct rt_container c = { .pid = 1, .pty_master = -1 };
        _cleanup_free_ char *nocg = shim_control_ops_handle(&c, &req);
        assert_non_null(strstr(nocg, "\"errno\":95"));  /* EOPNOTSUPP */

        /* The runtime ops take no fields. */
        assert_int_equal(shim_request_parse("{\"op\":\"stats\",\"x\":1}", 20, &req, &err), -EINVAL);
        assert_int_equal(shim_request_parse("{\"op\":\"resume\"}", 15, &req, &err), 0);
        assert_int_equal(req.op, SHIM_OP_RESUME);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(usage_v2, tmp_setup, tmp_teardown),
                cmocka_unit_test_setup_teardown(usage_v1, tmp_setup, tmp_teardown),
                cmocka_unit_test_setup_teardown(stats_round_trip, tmp_setup, tmp_teardown),
                cmocka_unit_test_setup_teardown(pids_larger_than_a_page, tmp_setup, tmp_teardown),
                cmocka_unit_test(errors),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
