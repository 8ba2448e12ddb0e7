/*
 * Unit tests for the cgroup module, without root: the v1 and v2 file
 * mappings as tables, path checks, and create/apply against a fake cgroupfs
 * in a temp directory (the mode is forced through rt_cgroup_create_in, since
 * statfs cannot be faked; v1 hierarchies come from a fake mountinfo).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "cgroup-internal.h"
#include "cleanup.h"
#include "fs-util.h"

/* ---- helpers ---- */

/* "file=value file=value ..." (optional ones marked with '?'), for table comparisons. */
static void render(const struct rt_cgroup_settings *s, char *buf, size_t size) {
        size_t len = 0;
        buf[0] = '\0';
        for (size_t i = 0; i < s->n; i++)
                len += (size_t) snprintf(buf + len, size - len, "%s%s%s=%s", i ? " " : "",
                                         s->items[i].optional ? "?" : "", s->items[i].file,
                                         rt_cgroup_setting_value(&s->items[i]));
}

static void put(const char *dir, const char *file, const char *content) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, file);
        FILE *f = fopen(path, "we");
        assert_non_null(f);
        fputs(content, f);
        fclose(f);
}

static char *get(const char *dir, const char *file) {
        char path[4096];
        char *buf = NULL;
        snprintf(path, sizeof(path), "%s/%s", dir, file);
        assert_int_equal(ctrd_read_file(path, 1 << 16, &buf, NULL, NULL), 0);
        return buf;
}

static void assert_file(const char *dir, const char *file, const char *want) {
        _cleanup_free_ char *got = get(dir, file);
        assert_string_equal(got, want);
}

static bool exists(const char *dir, const char *file) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, file);
        return access(path, F_OK) == 0;
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
        char tmpl[] = "/tmp/test-rt-cgroup-XXXXXX";
        assert_non_null(mkdtemp(tmpl));
        *state = strdup(tmpl);
        return 0;
}

static int tmp_teardown(void **state) {
        char cmd[4200];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", (char *) *state);
        assert_int_equal(system(cmd), 0);
        free(*state);
        return 0;
}

/* ---- mapping tables ---- */

struct map_case {
        struct rt_cgroup_resources res;
        const char *v1;         /* rendered settings, or NULL when EINVAL is expected */
        const char *v2;
};

/* RES() starts from the "unset" values and lets a case override some of them. */
#pragma GCC diagnostic ignored "-Woverride-init"
#define RES(...) { .memory_limit = -1, .memory_reservation = -1, .cpu_quota = -1, __VA_ARGS__ }

static const struct map_case map_cases[] = {
        { RES(), "", "" },
        { RES(.memory_limit = 0, .memory_reservation = 0), "", "" },
        { RES(.memory_limit = 104857600),
          "memory.limit_in_bytes=104857600", "memory.max=104857600" },
        { RES(.memory_reservation = 50000000),
          "memory.soft_limit_in_bytes=50000000", "memory.low=50000000" },
        /* OCI memory+swap: v2 wants the swap part alone */
        { RES(.memory_limit = 100, .memory_swap = 300),
          "memory.limit_in_bytes=100 ?memory.memsw.limit_in_bytes=300",
          "memory.max=100 ?memory.swap.max=200" },
        { RES(.memory_limit = 100, .memory_swap = 100),
          "memory.limit_in_bytes=100 ?memory.memsw.limit_in_bytes=100",
          "memory.max=100 ?memory.swap.max=0" },
        { RES(.memory_limit = 100, .memory_swap = -1),
          "memory.limit_in_bytes=100 ?memory.memsw.limit_in_bytes=-1",
          "memory.max=100 ?memory.swap.max=max" },
        { RES(.memory_swap = -1), "?memory.memsw.limit_in_bytes=-1", "?memory.swap.max=max" },
        { RES(.memory_limit = 100, .memory_swap = 99), NULL, NULL },
        { RES(.memory_swap = 100), NULL, NULL },
        { RES(.memory_limit = 100, .memory_swap = -2), NULL, NULL },
        { RES(.memory_limit = -5), NULL, NULL },
        { RES(.cpu_shares = 1024), "cpu.shares=1024", "cpu.weight=39" },
        { RES(.cpu_shares = 2), "cpu.shares=2", "cpu.weight=1" },
        { RES(.cpu_shares = 262144), "cpu.shares=262144", "cpu.weight=10000" },
        { RES(.cpu_quota = 50000, .cpu_period = 100000),
          "cpu.cfs_period_us=100000 cpu.cfs_quota_us=50000", "cpu.max=50000 100000" },
        { RES(.cpu_quota = 50000), "cpu.cfs_quota_us=50000", "cpu.max=50000" },
        { RES(.cpu_period = 20000), "cpu.cfs_period_us=20000", "cpu.max=max 20000" },
        { RES(.cpu_quota = 0), "", "" },
        { RES(.cpuset_cpus = "0-1", .cpuset_mems = "0"),
          "cpuset.cpus=0-1 cpuset.mems=0", "cpuset.cpus=0-1 cpuset.mems=0" },
        { RES(.cpuset_cpus = ""), "", "" },
        { RES(.pids_limit = 100), "pids.max=100", "pids.max=100" },
        { RES(.pids_limit = -1), "pids.max=max", "pids.max=max" },
        { RES(.pids_limit = -3), NULL, NULL },
};

static void check_map(int (*map)(const struct rt_cgroup_resources *, struct rt_cgroup_settings *,
                                 struct ctrd_error *),
                      const struct rt_cgroup_resources *res, const char *want, size_t i) {
        struct rt_cgroup_settings s;
        struct ctrd_error err = { 0 };
        char got[1024];
        int r = map(res, &s, &err);
        if (!want) {
                if (r != -EINVAL)
                        fail_msg("case %zu: expected EINVAL, got %d", i, r);
                assert_true(err.msg[0] != '\0');
                return;
        }
        if (r != 0)
                fail_msg("case %zu: %s", i, err.msg);
        render(&s, got, sizeof(got));
        if (strcmp(got, want) != 0)
                fail_msg("case %zu: got '%s', want '%s'", i, got, want);
}

static void test_map_table(void **state) {
        for (size_t i = 0; i < ARRAY_SIZE(map_cases); i++) {
                check_map(rt_cgroup_map_v1, &map_cases[i].res, map_cases[i].v1, i);
                check_map(rt_cgroup_map_v2, &map_cases[i].res, map_cases[i].v2, i);
        }
}

static void test_map_everything_fits(void **state) {
        struct rt_cgroup_resources res = RES(.memory_limit = 1, .memory_reservation = 1,
                                             .memory_swap = 2, .cpu_shares = 2, .cpu_quota = 1,
                                             .cpu_period = 1, .cpuset_cpus = "0",
                                             .cpuset_mems = "0", .pids_limit = 1);
        struct rt_cgroup_settings s;
        assert_int_equal(rt_cgroup_map_v1(&res, &s, NULL), 0);
        assert_int_equal(s.n, 9);
        assert_int_equal(rt_cgroup_map_v2(&res, &s, NULL), 0);
        assert_int_equal(s.n, 8);
}

static void test_swap_messages(void **state) {
        struct rt_cgroup_resources res = RES(.memory_limit = 100, .memory_swap = 50);
        struct rt_cgroup_settings s;
        struct ctrd_error err = { 0 };
        assert_int_equal(rt_cgroup_map_v2(&res, &s, &err), -EINVAL);
        assert_string_equal(err.msg, "memory+swap limit 50 is below the memory limit 100");
        res = (struct rt_cgroup_resources) RES(.memory_swap = 50);
        assert_int_equal(rt_cgroup_map_v1(&res, &s, &err), -EINVAL);
        assert_string_equal(err.msg, "memory+swap limit 50 needs a memory limit");
}

static void test_shares_to_weight(void **state) {
        static const uint64_t cases[][2] = {
                { 0, 0 }, { 1, 1 }, { 2, 1 }, { 3, 1 }, { 1024, 39 }, { 2048, 79 },
                { 131073, 5000 }, { 262144, 10000 }, { 1000000, 10000 },
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
                assert_int_equal(rt_cgroup_shares_to_weight(cases[i][0]), cases[i][1]);
}

/* ---- paths ---- */

static void test_path_normalize(void **state) {
        static const char *const ok[][2] = {
                { "/a", "/a" }, { "/a/b", "/a/b" }, { "//a///b/", "/a/b" },
                { "/ctrd/0123abc", "/ctrd/0123abc" }, { "/a/..b", "/a/..b" },
        };
        static const char *const bad[] = {
                "", "/", "///", "a/b", "/a/../b", "/..", "/a/.", "/./a",
                "system.slice:ctrd:abc", "relative",
        };
        for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
                _cleanup_free_ char *out = NULL;
                assert_int_equal(rt_cgroup_path_normalize(ok[i][0], &out, NULL), 0);
                assert_string_equal(out, ok[i][1]);
        }
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                char *out = NULL;
                if (rt_cgroup_path_normalize(bad[i], &out, NULL) != -EINVAL)
                        fail_msg("'%s' was accepted", bad[i]);
        }
        struct ctrd_error err = { 0 };
        char *out = NULL;
        assert_int_equal(rt_cgroup_path_normalize("user.slice:ctrd:x", &out, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "slice:prefix:name"));
        assert_int_equal(rt_cgroup_path_normalize(NULL, &out, &err), -EINVAL);
}

/* ---- v2 on a fake tree ---- */

static const char *const v2_files[] = {
        "memory.max", "memory.low", "cpu.weight", "cpu.max", "cpuset.cpus", "cpuset.mems",
        "pids.max", "cgroup.procs",
};

static void v2_fake_level(const char *dir, const char *enabled) {
        put(dir, "cgroup.controllers", "cpuset cpu io memory pids\n");
        put(dir, "cgroup.subtree_control", enabled);
}

static void test_v2_create_applies(void **state) {
        const char *root = *state;
        _cleanup_free_ char *parent = mkdirf("%s/ctrd", root);
        _cleanup_free_ char *dir = mkdirf("%s/ctrd/c1", root);
        v2_fake_level(root, "cpu memory\n");
        v2_fake_level(parent, "cpuset cpu io memory pids\n");
        for (size_t i = 0; i < ARRAY_SIZE(v2_files); i++)
                put(dir, v2_files[i], "");
        /* no memory.swap.max: swap accounting off, so the swap limit is skipped */

        struct rt_cgroup_host host = { .mode = RT_CGROUP_V2, .root = root };
        struct rt_cgroup_resources res = RES(.memory_limit = 1 << 20, .memory_swap = 2 << 20,
                                             .cpu_shares = 1024, .cpu_quota = 25000,
                                             .cpu_period = 100000, .cpuset_cpus = "0",
                                             .pids_limit = -1);
        struct rt_cgroup *cg = NULL;
        struct ctrd_error err = { 0 };
        if (rt_cgroup_create_in(&host, "/ctrd//c1/", &res, &cg, &err) < 0)
                fail_msg("%s", err.msg);
        assert_int_equal(rt_cgroup_get_mode(cg), RT_CGROUP_V2);

        /* only the missing controllers are enabled, and nothing in a fully enabled parent */
        assert_file(root, "cgroup.subtree_control", "+cpuset +io +pids");
        assert_file(parent, "cgroup.subtree_control", "cpuset cpu io memory pids\n");
        assert_file(dir, "memory.max", "1048576");
        assert_file(dir, "memory.low", "");
        assert_file(dir, "cpu.weight", "39");
        assert_file(dir, "cpu.max", "25000 100000");
        assert_file(dir, "cpuset.cpus", "0");
        assert_file(dir, "cpuset.mems", "");
        assert_file(dir, "pids.max", "max");
        assert_false(exists(dir, "memory.swap.max"));

        assert_int_equal(rt_cgroup_enter(cg, 4242, &err), 0);
        assert_file(dir, "cgroup.procs", "4242");
        rt_cgroup_free(cg);
}

static void test_v2_error_names_file_and_value(void **state) {
        const char *root = *state;
        _cleanup_free_ char *dir = mkdirf("%s/c2", root);
        _cleanup_free_ char *bad = mkdirf("%s/c2/pids.max", root);  /* a directory: EISDIR */
        v2_fake_level(root, "");

        struct rt_cgroup_host host = { .mode = RT_CGROUP_V2, .root = root };
        struct rt_cgroup_resources res = RES(.pids_limit = 100);
        struct rt_cgroup *cg = NULL;
        struct ctrd_error err = { 0 };
        char want[4200];
        assert_int_equal(rt_cgroup_create_in(&host, "/c2", &res, &cg, &err), -EISDIR);
        snprintf(want, sizeof(want), "writing '100' to '%s': Is a directory", bad);
        assert_string_equal(err.msg, want);
        assert_null(cg);
        /* the directory existed before: a failed create leaves it alone */
        assert_true(exists(dir, "."));
}

static void test_v2_failed_create_removes_what_it_made(void **state) {
        const char *root = *state;
        v2_fake_level(root, "");

        struct rt_cgroup_host host = { .mode = RT_CGROUP_V2, .root = root };
        struct rt_cgroup_resources res = RES(.memory_limit = 4096);
        struct rt_cgroup *cg = NULL;
        struct ctrd_error err = { 0 };
        /* the fake new level has no cgroup.controllers, unlike a real one */
        assert_int_equal(rt_cgroup_create_in(&host, "/new/leaf", &res, &cg, &err), -ENOENT);
        assert_non_null(strstr(err.msg, "/new/cgroup.controllers"));
        assert_false(exists(root, "new"));
}

static void test_v2_missing_controller(void **state) {
        const char *root = *state;
        _cleanup_free_ char *dir = mkdirf("%s/c3", root);
        put(root, "cgroup.controllers", "cpu memory\n");
        put(root, "cgroup.subtree_control", "");

        struct rt_cgroup_host host = { .mode = RT_CGROUP_V2, .root = root };
        struct rt_cgroup_resources res = RES(.pids_limit = 10);
        struct rt_cgroup *cg = NULL;
        struct ctrd_error err = { 0 };
        assert_int_equal(rt_cgroup_create_in(&host, "/c3", &res, &cg, &err), -EOPNOTSUPP);
        assert_non_null(strstr(err.msg, "'pids' controller is not available"));
}

static void test_v2_open_oom_kills_and_stats(void **state) {
        const char *root = *state;
        _cleanup_free_ char *dir = mkdirf("%s/c4", root);
        put(dir, "memory.events", "low 0\nhigh 0\nmax 3\noom 2\noom_kill 2\n");

        struct rt_cgroup_host host = { .mode = RT_CGROUP_V2, .root = root };
        struct rt_cgroup *cg = NULL;
        struct ctrd_error err = { 0 };
        uint64_t n = 0;
        assert_int_equal(rt_cgroup_open_in(&host, "/c4", &cg, &err), 0);
        assert_int_equal(rt_cgroup_oom_kills(cg, &n, &err), 0);
        assert_int_equal(n, 2);
        assert_true(rt_cgroup_oom_fd(cg, &err) >= 0);
        assert_int_equal(rt_cgroup_oom_drain(cg), 0);

        /* no pids controller here: that counter reads 0 */
        struct rt_cgroup_stats st;
        put(dir, "memory.current", "123456\n");
        put(dir, "cpu.stat", "usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n");
        assert_int_equal(rt_cgroup_stats(cg, &st, &err), 0);
        assert_int_equal(st.memory_usage, 123456);
        assert_int_equal(st.cpu_usage_ns, 2500000);
        assert_int_equal(st.pids_current, 0);
        put(dir, "pids.current", "garbage\n");
        assert_int_equal(rt_cgroup_stats(cg, &st, &err), -EINVAL);
        assert_non_null(strstr(err.msg, "pids.current' holds no number"));
        rt_cgroup_free(cg);

        assert_int_equal(rt_cgroup_open_in(&host, "/nope", &cg, &err), -ENOENT);
}

/* ---- v1 on a fake tree ---- */

/* Mounts as a hybrid host shows them, plus lines the discovery must ignore. */
static void v1_fake_host(const char *root, char **mountinfo) {
        assert_true(asprintf(mountinfo, "%s/mountinfo", root) >= 0);
        FILE *f = fopen(*mountinfo, "we");
        assert_non_null(f);
        fprintf(f, "25 1 0:22 / /proc rw,nosuid - proc proc rw\n");
        fprintf(f, "31 23 0:28 / %s rw,relatime - tmpfs tmpfs rw,mode=755\n", root);
        fprintf(f, "32 31 0:29 / %s/cpu,cpuacct rw shared:9 - cgroup cgroup rw,cpu,cpuacct\n", root);
        fprintf(f, "34 31 0:31 / %s/cpuset rw - cgroup cgroup rw,cpuset\n", root);
        fprintf(f, "35 31 0:32 / %s/memory rw - cgroup cgroup rw,memory\n", root);
        fprintf(f, "37 31 0:34 / %s/freezer rw - cgroup cgroup rw,freezer\n", root);
        fprintf(f, "40 31 0:37 / %s/systemd rw - cgroup cgroup rw,xattr,name=systemd\n", root);
        fprintf(f, "41 31 0:38 / %s/unified rw - cgroup2 cgroup2 rw\n", root);
        fprintf(f, "42 31 0:29 / %s/cpu rw - cgroup cgroup rw,cpu,cpuacct\n", root);
        fprintf(f, "43 35 0:50 / %s/memory/deep rw - cgroup cgroup rw,pids\n", root);
        fclose(f);

        static const char *const hier[] = { "cpu,cpuacct", "cpuset", "memory", "freezer",
                                            "systemd", "unified" };
        for (size_t i = 0; i < ARRAY_SIZE(hier); i++)
                free(mkdirf("%s/%s", root, hier[i]));
}

static void test_v1_create_applies(void **state) {
        const char *root = *state;
        _cleanup_free_ char *mountinfo = NULL;
        v1_fake_host(root, &mountinfo);
        _cleanup_free_ char *mem = mkdirf("%s/memory/ctrd/c1", root);
        _cleanup_free_ char *cpu = mkdirf("%s/cpu,cpuacct/ctrd/c1", root);
        _cleanup_free_ char *cs_parent = mkdirf("%s/cpuset/ctrd", root);
        _cleanup_free_ char *cs = mkdirf("%s/cpuset/ctrd/c1", root);
        _cleanup_free_ char *cs_root = NULL;
        assert_true(asprintf(&cs_root, "%s/cpuset", root) >= 0);
        put(mem, "memory.limit_in_bytes", "");
        put(mem, "memory.soft_limit_in_bytes", "");
        put(cpu, "cpu.shares", "");
        put(cpu, "cpu.cfs_quota_us", "");
        /* an empty cpuset takes the parent's, at every level; mems is set explicitly */
        put(cs_root, "cpuset.cpus", "0-3\n");
        put(cs_root, "cpuset.mems", "0\n");
        put(cs_parent, "cpuset.cpus", "\n");
        put(cs_parent, "cpuset.mems", "\n");
        put(cs, "cpuset.cpus", "\n");
        put(cs, "cpuset.mems", "\n");

        struct rt_cgroup_host host = { .mode = RT_CGROUP_V1, .root = root, .mountinfo = mountinfo };
        struct rt_cgroup_resources res = RES(.memory_limit = 1 << 20, .memory_reservation = 1 << 19,
                                             .memory_swap = 1 << 21, .cpu_shares = 512,
                                             .cpu_quota = 20000, .cpuset_mems = "0");
        struct rt_cgroup *cg = NULL;
        struct ctrd_error err = { 0 };
        if (rt_cgroup_create_in(&host, "/ctrd/c1", &res, &cg, &err) < 0)
                fail_msg("%s", err.msg);

        assert_file(mem, "memory.limit_in_bytes", "1048576");
        assert_file(mem, "memory.soft_limit_in_bytes", "524288");
        assert_false(exists(mem, "memory.memsw.limit_in_bytes"));   /* no swap accounting */
        assert_file(cpu, "cpu.shares", "512");
        assert_file(cpu, "cpu.cfs_quota_us", "20000");
        assert_file(cs_parent, "cpuset.cpus", "0-3");
        assert_file(cs, "cpuset.cpus", "0-3");
        assert_file(cs, "cpuset.mems", "0");
        /* every hierarchy, the named one and the hybrid cgroup2 included, got the directory;
         * the duplicate mount and the nested one did not count */
        static const char *const hier[] = { "freezer", "systemd", "unified" };
        for (size_t i = 0; i < ARRAY_SIZE(hier); i++) {
                _cleanup_free_ char *d = NULL;
                assert_true(asprintf(&d, "%s/%s/ctrd/c1", root, hier[i]) >= 0);
                assert_true(exists(d, "."));
        }
        assert_int_equal(cg->n_dirs, 6);
        assert_false(exists(root, "cpu/ctrd"));

        for (size_t i = 0; i < cg->n_dirs; i++)
                put(cg->dirs[i].path, "cgroup.procs", "");
        assert_int_equal(rt_cgroup_enter(cg, 77, &err), 0);
        assert_file(mem, "cgroup.procs", "77");
        assert_file(cs, "cgroup.procs", "77");
        rt_cgroup_free(cg);
}

static void test_v1_missing_controller_creates_nothing(void **state) {
        const char *root = *state;
        _cleanup_free_ char *mountinfo = NULL;
        v1_fake_host(root, &mountinfo);

        struct rt_cgroup_host host = { .mode = RT_CGROUP_V1, .root = root, .mountinfo = mountinfo };
        struct rt_cgroup_resources res = RES(.pids_limit = 5);
        struct rt_cgroup *cg = NULL;
        struct ctrd_error err = { 0 };
        assert_int_equal(rt_cgroup_create_in(&host, "/x", &res, &cg, &err), -EOPNOTSUPP);
        assert_non_null(strstr(err.msg, "'pids' controller is not mounted"));
        assert_false(exists(root, "memory/x"));
}

static void test_v1_failed_create_rolls_back(void **state) {
        const char *root = *state;
        _cleanup_free_ char *mountinfo = NULL;
        v1_fake_host(root, &mountinfo);

        struct rt_cgroup_host host = { .mode = RT_CGROUP_V1, .root = root, .mountinfo = mountinfo };
        struct rt_cgroup_resources res = RES(.memory_limit = 4096);
        struct rt_cgroup *cg = NULL;
        struct ctrd_error err = { 0 };
        /* fresh fake directories have no cpuset.cpus to fill, so create fails half-way */
        assert_int_equal(rt_cgroup_create_in(&host, "/a/b", &res, &cg, &err), -ENOENT);
        assert_non_null(strstr(err.msg, "/cpuset/a/cpuset.cpus'"));
        static const char *const hier[] = { "cpu,cpuacct", "cpuset", "memory", "unified" };
        for (size_t i = 0; i < ARRAY_SIZE(hier); i++) {
                char d[256];
                snprintf(d, sizeof(d), "%s/a", hier[i]);
                assert_false(exists(root, d));
        }
}

static void test_v1_open_oom_kills_and_stats(void **state) {
        const char *root = *state;
        _cleanup_free_ char *mountinfo = NULL;
        v1_fake_host(root, &mountinfo);
        _cleanup_free_ char *mem = mkdirf("%s/memory/o", root);
        put(mem, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");

        struct rt_cgroup_host host = { .mode = RT_CGROUP_V1, .root = root, .mountinfo = mountinfo };
        struct rt_cgroup *cg = NULL;
        struct ctrd_error err = { 0 };
        uint64_t n = 0;
        assert_int_equal(rt_cgroup_open_in(&host, "/o", &cg, &err), 0);
        assert_int_equal(cg->n_dirs, 1);        /* only the hierarchy the cgroup exists in */
        assert_int_equal(rt_cgroup_oom_kills(cg, &n, &err), 0);
        assert_int_equal(n, 3);

        /* cpuacct and pids hierarchies exist but the cgroup is not in them: 0 */
        struct rt_cgroup_stats st;
        put(mem, "memory.usage_in_bytes", "4096\n");
        assert_int_equal(rt_cgroup_stats(cg, &st, &err), 0);
        assert_int_equal(st.memory_usage, 4096);
        assert_int_equal(st.cpu_usage_ns, 0);
        assert_int_equal(st.pids_current, 0);
        rt_cgroup_free(cg);

        assert_int_equal(rt_cgroup_open_in(&host, "/none", &cg, &err), -ENOENT);
}

static void test_device_rule_lines(void **state) {
        static const struct {
                struct rt_device_rule rule;
                const char *line;
        } cases[] = {
                { { .allow = false, .type = 'a', .major = -1, .minor = -1, .access = "rwm" }, "a *:* rwm" },
                { { .allow = true, .type = 'a', .major = 5, .minor = 1, .access = "" }, "a *:* rwm" },
                { { .allow = true, .type = 'c', .major = 1, .minor = 3, .access = "rwm" }, "c 1:3 rwm" },
                { { .allow = true, .type = 'c', .major = 136, .minor = -1, .access = "rw" }, "c 136:* rw" },
                { { .allow = true, .type = 'b', .major = -1, .minor = -1, .access = "m" }, "b *:* m" },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char line[64];
                rt_cgroup_device_rule_line(&cases[i].rule, line, sizeof(line));
                assert_string_equal(line, cases[i].line);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_map_table),
                cmocka_unit_test(test_device_rule_lines),
                cmocka_unit_test(test_map_everything_fits),
                cmocka_unit_test(test_swap_messages),
                cmocka_unit_test(test_shares_to_weight),
                cmocka_unit_test(test_path_normalize),
                cmocka_unit_test_setup_teardown(test_v2_create_applies, tmp_setup, tmp_teardown),
                cmocka_unit_test_setup_teardown(test_v2_error_names_file_and_value, tmp_setup,
                                                tmp_teardown),
                cmocka_unit_test_setup_teardown(test_v2_failed_create_removes_what_it_made,
                                                tmp_setup, tmp_teardown),
                cmocka_unit_test_setup_teardown(test_v2_missing_controller, tmp_setup, tmp_teardown),
                cmocka_unit_test_setup_teardown(test_v2_open_oom_kills_and_stats, tmp_setup, tmp_teardown),
                cmocka_unit_test_setup_teardown(test_v1_create_applies, tmp_setup, tmp_teardown),
                cmocka_unit_test_setup_teardown(test_v1_missing_controller_creates_nothing,
                                                tmp_setup, tmp_teardown),
                cmocka_unit_test_setup_teardown(test_v1_failed_create_rolls_back, tmp_setup,
                                                tmp_teardown),
                cmocka_unit_test_setup_teardown(test_v1_open_oom_kills_and_stats, tmp_setup, tmp_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
