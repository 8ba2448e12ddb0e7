/*
 * Unit tests for the pure parts of pause/top/stats: /proc/PID/stat parsing
 * and `ps -ef` columns (daemon/container-top-format.c), and Docker's stats
 * object (daemon/container-stats.c) for a running and a stopped container.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/container-ops.h"
#include "daemon/container-top.h"
#include "daemon/containers.h"

static const char *const STAT_LINE =
        "4242 (we(ird) name) S 4200 4242 4242 34817 4242 4194560 120 0 0 0 "
        "250 130 0 0 20 0 1 0 5000 1234567 200 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0\n";

static void parse_stat(void **state) {
        struct ctr_top_proc p;
        assert_int_equal(ctr_top_parse_stat(STAT_LINE, &p), 0);
        assert_string_equal(p.comm, "we(ird) name");
        assert_int_equal(p.state, 'S');
        assert_int_equal(p.ppid, 4200);
        assert_int_equal(p.tty_nr, 34817);
        assert_int_equal(p.utime, 250);
        assert_int_equal(p.stime, 130);
        assert_int_equal(p.starttime, 5000);
        assert_int_equal(ctr_top_parse_stat("4242 no parens", &p), -EINVAL);
        assert_int_equal(ctr_top_parse_stat("1 (x) S 0", &p), -EINVAL);
}

static void format_columns(void **state) {
        struct ctr_top_proc p;
        struct ctr_top_cols col;
        /* Up 100 s (10000 ticks); started at tick 5000, so 50 s old with 3.8 s of CPU. */
        struct ctr_top_clock clk = { .hz = 100, .now = { .tv_sec = 1795911497 },
                                     .uptime = { .tv_sec = 100 } };
        assert_int_equal(ctr_top_parse_stat(STAT_LINE, &p), 0);
        ctr_top_format(&p, &clk, &col);
        assert_string_equal(col.c, "7");                /* 380 ticks * 100 / 5000 */
        assert_string_equal(col.tty, "pts/1");          /* 34817 = major 136, minor 1 */
        assert_string_equal(col.time, "00:00:03");
        assert_int_equal(strlen(col.stime), 5);         /* HH:MM: it started today */
        assert_int_equal(col.stime[2], ':');

        p.tty_nr = 0;
        p.utime = 100 * (86400 + 3661);                 /* a day, an hour, a minute, a second */
        p.stime = 0;
        p.starttime = 0;
        clk.uptime.tv_sec = 2 * 86400;
        ctr_top_format(&p, &clk, &col);
        assert_string_equal(col.tty, "?");
        assert_string_equal(col.time, "1-01:01:01");
        assert_string_equal(col.c, "52");
        p.utime = 100 * 2 * 86400 * 3;                  /* three busy CPUs: still 99 at most */
        ctr_top_format(&p, &clk, &col);
        assert_string_equal(col.c, "99");
        p.tty_nr = (4 << 8) | 65;
        ctr_top_format(&p, &clk, &col);
        assert_string_equal(col.tty, "ttyS1");
}

static struct ctr *fake_ctr(void) {
        static struct ctr c;
        snprintf(c.rec.id, sizeof(c.rec.id), "%s", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        c.rec.name = (char *) "web";
        return &c;
}

static json_int_t num(json_t *o, const char *path) {
        char key[64];
        const char *dot;
        while ((dot = strchr(path, '.'))) {
                snprintf(key, sizeof(key), "%.*s", (int) (dot - path), path);
                o = json_object_get(o, key);
                path = dot + 1;
        }
        json_t *v = json_object_get(o, path);
        assert_true(json_is_integer(v));
        return json_integer_value(v);
}

static void stats_running(void **state) {
        uint64_t percpu[2] = { 600, 400 };
        struct ctrd_shim_kv mstat[1] = { { (char *) "total_inactive_file", 4096 } };
        struct ctrd_shim_stats pre = { .read = "2026-11-29T03:00:00.000000000Z", .cpu_total_ns = 500,
                                       .system_cpu_ns = 10000, .online_cpus = 2 };
        struct ctrd_shim_stats cur = {
                .read = "2026-11-29T03:00:01.000000000Z", .memory_usage = 1 << 20,
                .memory_limit = 64 << 20, .memory_max_usage = 2 << 20,
                .memory_stat = mstat, .n_memory_stat = 1,
                .cpu_total_ns = 1000, .cpu_user_ns = 700, .cpu_system_ns = 300,
                .percpu_ns = percpu, .n_percpu = 2, .system_cpu_ns = 20000, .online_cpus = 2,
                .pids_current = 3, .pids_limit = 100,
        };
        json_t *o = ctr_stats_json(fake_ctr(), &cur, &pre);
        assert_non_null(o);
        assert_string_equal(json_string_value(json_object_get(o, "name")), "/web");
        assert_string_equal(json_string_value(json_object_get(o, "read")), cur.read);
        assert_string_equal(json_string_value(json_object_get(o, "preread")), pre.read);
        assert_int_equal(num(o, "memory_stats.usage"), 1 << 20);
        assert_int_equal(num(o, "memory_stats.limit"), 64 << 20);
        assert_int_equal(num(o, "memory_stats.max_usage"), 2 << 20);
        assert_int_equal(num(o, "memory_stats.stats.total_inactive_file"), 4096);
        assert_int_equal(num(o, "cpu_stats.cpu_usage.total_usage"), 1000);
        assert_int_equal(num(o, "cpu_stats.cpu_usage.usage_in_kernelmode"), 300);
        assert_int_equal(num(o, "cpu_stats.system_cpu_usage"), 20000);
        assert_int_equal(num(o, "cpu_stats.online_cpus"), 2);
        assert_int_equal(json_array_size(json_object_get(json_object_get(json_object_get(o, "cpu_stats"),
                                                                         "cpu_usage"), "percpu_usage")), 2);
        assert_int_equal(num(o, "precpu_stats.cpu_usage.total_usage"), 500);
        assert_int_equal(num(o, "precpu_stats.system_cpu_usage"), 10000);
        assert_int_equal(num(o, "pids_stats.current"), 3);
        assert_int_equal(num(o, "pids_stats.limit"), 100);
        assert_true(json_is_array(json_object_get(json_object_get(o, "blkio_stats"),
                                                  "io_service_bytes_recursive")));
        json_decref(o);

        /* Unlimited memory shows the host's memory, never 0. */
        cur.memory_limit = 0;
        o = ctr_stats_json(fake_ctr(), &cur, NULL);
        assert_true(num(o, "memory_stats.limit") > 0);
        assert_string_equal(json_string_value(json_object_get(o, "preread")), "0001-01-01T00:00:00Z");
        assert_int_equal(num(o, "precpu_stats.cpu_usage.total_usage"), 0);
        json_decref(o);
}

static void stats_stopped(void **state) {
        json_t *o = ctr_stats_json(fake_ctr(), NULL, NULL);
        assert_non_null(o);
        assert_string_equal(json_string_value(json_object_get(o, "read")), "0001-01-01T00:00:00Z");
        assert_string_equal(json_string_value(json_object_get(o, "id")), fake_ctr()->rec.id);
        assert_int_equal(num(o, "cpu_stats.cpu_usage.total_usage"), 0);
        assert_int_equal(json_object_size(json_object_get(o, "memory_stats")), 0);
        json_decref(o);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(parse_stat),
                cmocka_unit_test(format_columns),
                cmocka_unit_test(stats_running),
                cmocka_unit_test(stats_stopped),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
