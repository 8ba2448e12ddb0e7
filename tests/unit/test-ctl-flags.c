/* Unit tests for ctrctl's flag value parsers (client/flags*.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "flags.h"

/* Compares j to the JSON text want (key order included). */
static void assert_json(json_t *j, const char *want) {
        char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
        assert_non_null(s);
        assert_string_equal(s, want);
        free(s);
}

static void test_ram(void **state) {
        struct ctrd_error err = { 0 };
        int64_t v = 0;
        assert_int_equal(ctl_parse_ram("32m", &v, &err), 0);
        assert_int_equal(v, 33554432);
        assert_int_equal(ctl_parse_ram("512", &v, &err), 0);
        assert_int_equal(v, 512);
        assert_int_equal(ctl_parse_ram("1.5g", &v, &err), 0);
        assert_int_equal(v, 1610612736);
        assert_int_equal(ctl_parse_ram("64MiB", &v, &err), 0);
        assert_int_equal(v, 64 << 20);
        assert_int_equal(ctl_parse_ram("1 kb", &v, &err), 0);
        assert_int_equal(v, 1024);
        assert_int_equal(ctl_parse_ram("32x", &v, &err), -EINVAL);
        assert_string_equal(err.msg, "invalid size: '32x'");
        assert_int_equal(ctl_parse_ram("-1", &v, &err), -EINVAL);
        assert_int_equal(ctl_parse_ram("", &v, &err), -EINVAL);
        assert_int_equal(ctl_parse_swap("-1", &v, &err), 0);
        assert_int_equal(v, -1);
        assert_int_equal(ctl_parse_swap("1g", &v, &err), 0);
        assert_int_equal(v, 1 << 30);
}

static void test_cpus(void **state) {
        struct ctrd_error err = { 0 };
        int64_t v = 0;
        assert_int_equal(ctl_parse_cpus("0.5", &v, &err), 0);
        assert_int_equal(v, 500000000);
        assert_int_equal(ctl_parse_cpus("2", &v, &err), 0);
        assert_int_equal(v, 2000000000);
        assert_int_equal(ctl_parse_cpus("0.000000001", &v, &err), 0);
        assert_int_equal(v, 1);
        assert_int_equal(ctl_parse_cpus("-1", &v, &err), 0);   /* the daemon refuses it */
        assert_int_equal(v, -1000000000);
        assert_int_equal(ctl_parse_cpus("0.0000000001", &v, &err), -EINVAL);
        assert_string_equal(err.msg, "value is too precise");
        assert_int_equal(ctl_parse_cpus("abc", &v, &err), -EINVAL);
        assert_string_equal(err.msg, "failed to parse abc as a rational number");
}

static void test_env_and_labels(void **state) {
        struct ctrd_error err = { 0 };
        json_t *env = json_array(), *labels = json_object();
        setenv("CTL_TEST_VAR", "from-env", 1);
        unsetenv("CTL_TEST_UNSET");
        assert_int_equal(ctl_add_env(env, "A=B", &err), 0);
        assert_int_equal(ctl_add_env(env, "CTL_TEST_VAR", &err), 0);
        assert_int_equal(ctl_add_env(env, "CTL_TEST_UNSET", &err), 0);
        assert_int_equal(ctl_add_env(env, "=x", &err), -EINVAL);
        assert_json(env, "[\"A=B\",\"CTL_TEST_VAR=from-env\",\"CTL_TEST_UNSET\"]");
        assert_int_equal(ctl_add_label(labels, "k=v=w", &err), 0);
        assert_int_equal(ctl_add_label(labels, "bare", &err), 0);
        assert_int_equal(ctl_add_label(labels, "=v", &err), -EINVAL);
        assert_json(labels, "{\"k\":\"v=w\",\"bare\":\"\"}");
        json_decref(env);
        json_decref(labels);
}

static void test_env_file(void **state) {
        struct ctrd_error err = { 0 };
        char path[] = "/tmp/test-ctl-envfile.XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        const char text[] = "# comment\n\nX=1\n  Y=two words\r\n";
        assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t) sizeof(text) - 1);
        close(fd);
        json_t *env = json_array();
        assert_int_equal(ctl_add_env_file(env, path, &err), 0);
        assert_json(env, "[\"X=1\",\"Y=two words\"]");
        unlink(path);
        assert_int_equal(ctl_add_env_file(env, path, &err), -ENOENT);
        assert_non_null(strstr(err.msg, "No such file or directory"));
        json_decref(env);
}

static void test_volumes(void **state) {
        struct ctrd_error err = { 0 };
        json_t *binds = json_array(), *volumes = json_object();
        assert_int_equal(ctl_add_volume(binds, volumes, "/srv:/data", &err), 0);
        assert_int_equal(ctl_add_volume(binds, volumes, "/srv:/ro:ro,rslave", &err), 0);
        assert_int_equal(ctl_add_volume(binds, volumes, "named:/vol", &err), 0);
        assert_int_equal(ctl_add_volume(binds, volumes, "/anon", &err), 0);
        assert_int_equal(ctl_add_volume(binds, volumes, "/srv:rel", &err), -EINVAL);
        assert_int_equal(ctl_add_volume(binds, volumes, "/a:/b:bogus", &err), -EINVAL);
        assert_string_equal(err.msg, "invalid mode: bogus");
        assert_int_equal(ctl_add_volume(binds, volumes, "/a:/b:ro:x", &err), -EINVAL);
        assert_json(binds, "[\"/srv:/data\",\"/srv:/ro:ro,rslave\",\"named:/vol\"]");
        assert_json(volumes, "{\"/anon\":{}}");
        json_decref(binds);
        json_decref(volumes);
}

static void test_mounts(void **state) {
        struct ctrd_error err = { 0 };
        json_t *m = json_array();
        assert_int_equal(ctl_add_mount(m, "type=bind,src=/a,dst=/b,readonly", &err), 0);
        assert_int_equal(ctl_add_mount(m, "type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=1777",
                                       &err), 0);
        assert_int_equal(ctl_add_mount(m, "source=v,target=/v,volume-nocopy", &err), 0);
        assert_json(m, "[{\"Type\":\"bind\",\"Source\":\"/a\",\"Target\":\"/b\",\"ReadOnly\":true},"
                       "{\"Type\":\"tmpfs\",\"Target\":\"/t\",\"TmpfsOptions\":"
                       "{\"SizeBytes\":1048576,\"Mode\":1023}},"
                       "{\"Type\":\"volume\",\"Source\":\"v\",\"Target\":\"/v\","
                       "\"VolumeOptions\":{\"NoCopy\":true}}]");
        assert_int_equal(ctl_add_mount(m, "type=bind,src=/a", &err), -EINVAL);
        assert_string_equal(err.msg, "target is required");
        assert_int_equal(ctl_add_mount(m, "type=bind,target=/a", &err), -EINVAL);
        assert_int_equal(ctl_add_mount(m, "type=volume,target=/a,tmpfs-size=1m", &err), -EINVAL);
        assert_string_equal(err.msg, "cannot mix 'tmpfs-*' options with mount type 'volume'");
        assert_int_equal(ctl_add_mount(m, "type=bind,src=/a,target=/b,ro=maybe", &err), -EINVAL);
        assert_int_equal(ctl_add_mount(m, "type=bind,bogus=1,target=/b", &err), -EINVAL);
        assert_int_equal(json_array_size(m), 3);
        json_decref(m);
}

static void test_tmpfs_and_ulimits(void **state) {
        struct ctrd_error err = { 0 };
        json_t *t = json_object(), *u = json_array();
        assert_int_equal(ctl_add_tmpfs(t, "/x:size=1m,mode=1777", &err), 0);
        assert_int_equal(ctl_add_tmpfs(t, "/y", &err), 0);
        assert_int_equal(ctl_add_tmpfs(t, "rel", &err), -EINVAL);
        assert_json(t, "{\"/x\":\"size=1m,mode=1777\",\"/y\":\"\"}");
        assert_int_equal(ctl_add_ulimit(u, "nofile=1024:2048", &err), 0);
        assert_int_equal(ctl_add_ulimit(u, "nproc=10", &err), 0);
        assert_json(u, "[{\"Name\":\"nofile\",\"Soft\":1024,\"Hard\":2048},"
                       "{\"Name\":\"nproc\",\"Soft\":10,\"Hard\":10}]");
        assert_int_equal(ctl_add_ulimit(u, "bogus=1", &err), -EINVAL);
        assert_string_equal(err.msg, "invalid ulimit type: bogus");
        assert_int_equal(ctl_add_ulimit(u, "nofile=2:1", &err), -EINVAL);
        assert_int_equal(ctl_add_ulimit(u, "nofile=1:2:3", &err), -EINVAL);
        assert_int_equal(ctl_add_ulimit(u, "nofile", &err), -EINVAL);
        assert_int_equal(ctl_add_ulimit(u, "nofile=x", &err), -EINVAL);
        json_decref(t);
        json_decref(u);
}

static void test_capabilities(void **state) {
        char *c = ctl_normalize_capability("net_admin");
        assert_string_equal(c, "CAP_NET_ADMIN");
        free(c);
        c = ctl_normalize_capability("CAP_CHOWN");
        assert_string_equal(c, "CAP_CHOWN");
        free(c);
        c = ctl_normalize_capability("all");
        assert_string_equal(c, "ALL");
        free(c);
}

static void test_restart(void **state) {
        struct ctrd_error err = { 0 };
        json_t *p = NULL;
        assert_int_equal(ctl_parse_restart("on-failure:3", &p, &err), 0);
        assert_json(p, "{\"Name\":\"on-failure\",\"MaximumRetryCount\":3}");
        json_decref(p);
        assert_int_equal(ctl_parse_restart("unless-stopped", &p, &err), 0);
        assert_json(p, "{\"Name\":\"unless-stopped\",\"MaximumRetryCount\":0}");
        json_decref(p);
        assert_int_equal(ctl_parse_restart("always:2", &p, &err), -EINVAL);
        assert_string_equal(err.msg, "invalid restart policy: maximum retry count can only be "
                                     "used with 'on-failure'");
        assert_int_equal(ctl_parse_restart("sometimes", &p, &err), -EINVAL);
        assert_int_equal(ctl_parse_restart("on-failure:x", &p, &err), -EINVAL);
}

static void test_security_opts(void **state) {
        struct ctrd_error err = { 0 };
        json_t *o = json_array();
        char path[] = "/tmp/test-ctl-seccomp.XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        const char profile[] = "{\n  \"defaultAction\": \"SCMP_ACT_ALLOW\"\n}\n";
        assert_int_equal(write(fd, profile, sizeof(profile) - 1), (ssize_t) sizeof(profile) - 1);
        close(fd);
        char *opt = NULL;
        assert_true(asprintf(&opt, "seccomp=%s", path) > 0);
        assert_int_equal(ctl_add_security_opt(o, "no-new-privileges", &err), 0);
        assert_int_equal(ctl_add_security_opt(o, "seccomp=unconfined", &err), 0);
        assert_int_equal(ctl_add_security_opt(o, "apparmor:unconfined", &err), 0);
        assert_int_equal(ctl_add_security_opt(o, opt, &err), 0);
        assert_json(o, "[\"no-new-privileges\",\"seccomp=unconfined\",\"apparmor=unconfined\","
                       "\"seccomp={\\\"defaultAction\\\":\\\"SCMP_ACT_ALLOW\\\"}\"]");
        unlink(path);
        assert_int_equal(ctl_add_security_opt(o, opt, &err), -ENOENT);
        assert_int_equal(ctl_add_security_opt(o, "bogus", &err), -EINVAL);
        assert_string_equal(err.msg, "Invalid --security-opt: \"bogus\"");
        free(opt);
        json_decref(o);
}

static void test_filters(void **state) {
        struct ctrd_error err = { 0 };
        json_t *f = json_object();
        assert_int_equal(ctl_add_filter(f, "status=exited", &err), 0);
        assert_int_equal(ctl_add_filter(f, "Name = tty ", &err), 0);
        assert_int_equal(ctl_add_filter(f, "status=created", &err), 0);
        assert_int_equal(ctl_add_filter(f, "label=a=b", &err), 0);
        assert_int_equal(ctl_add_filter(f, "novalue", &err), -EINVAL);
        assert_json(f, "{\"status\":{\"exited\":true,\"created\":true},\"name\":{\"tty\":true},"
                       "\"label\":{\"a=b\":true}}");
        json_decref(f);
}

static void test_durations_and_timestamps(void **state) {
        struct ctrd_error err = { 0 };
        int64_t ns = 0;
        assert_int_equal(ctl_parse_duration("1h30m", &ns, &err), 0);
        assert_int_equal(ns, 5400LL * 1000000000);
        assert_int_equal(ctl_parse_duration("1.5s", &ns, &err), 0);
        assert_int_equal(ns, 1500000000);
        assert_int_equal(ctl_parse_duration("300ms", &ns, &err), 0);
        assert_int_equal(ns, 300000000);
        assert_int_equal(ctl_parse_duration("10", &ns, &err), -EINVAL);
        assert_int_equal(ctl_parse_duration("5d", &ns, &err), -EINVAL);
        char *s = NULL;
        assert_int_equal(ctl_parse_timestamp("2s", 1795911499, &s, &err), 0);
        assert_string_equal(s, "1795911497");
        free(s);
        assert_int_equal(ctl_parse_timestamp("1795911497.5", 0, &s, &err), 0);
        assert_string_equal(s, "1795911497.5");
        free(s);
        assert_int_equal(ctl_parse_timestamp("2026-11-29T00:18:18.5Z", 0, &s, &err), 0);
        assert_string_equal(s, "1795911498.500000000");
        free(s);
        assert_int_equal(ctl_parse_timestamp("2026-11-29T01:18:18+01:00", 0, &s, &err), 0);
        assert_string_equal(s, "1795911498.000000000");
        free(s);
        assert_int_equal(ctl_parse_timestamp("yesterday", 0, &s, &err), -EINVAL);
        assert_string_equal(err.msg, "failed to parse value as time or duration: \"yesterday\"");
}

static void test_int_flag(void **state) {
        struct ctrd_error err = { 0 };
        int64_t v = 0;
        assert_int_equal(ctl_parse_int_flag("--oom-score-adj", "-500", -1000, 1000, &v, &err), 0);
        assert_int_equal(v, -500);
        assert_int_equal(ctl_parse_int_flag("--oom-score-adj", "1001", -1000, 1000, &v, &err),
                         -ERANGE);
        assert_string_equal(err.msg, "invalid argument \"1001\" for \"--oom-score-adj\": out of range");
        assert_int_equal(ctl_parse_int_flag("-t", "x", 0, 10, &v, &err), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ram),
                cmocka_unit_test(test_cpus),
                cmocka_unit_test(test_env_and_labels),
                cmocka_unit_test(test_env_file),
                cmocka_unit_test(test_volumes),
                cmocka_unit_test(test_mounts),
                cmocka_unit_test(test_tmpfs_and_ulimits),
                cmocka_unit_test(test_capabilities),
                cmocka_unit_test(test_restart),
                cmocka_unit_test(test_security_opts),
                cmocka_unit_test(test_filters),
                cmocka_unit_test(test_durations_and_timestamps),
                cmocka_unit_test(test_int_flag),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
