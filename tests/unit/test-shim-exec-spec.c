/* Unit tests for the spec an exec runs with (shim/runtime/exec-spec.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <cmocka.h>

#include "cleanup.h"
#include "shim/runtime/exec-internal.h"

/* A container as ctrd writes it: a user, an env, capabilities, a seccomp filter, a hostname. */
static const char base[] =
        "{\"ociVersion\":\"1.0.2-dev\","
        "\"process\":{\"terminal\":false,\"user\":{\"uid\":1000,\"gid\":100,\"additionalGids\":[5]},"
        "\"args\":[\"sleep\",\"100\"],\"env\":[\"PATH=/bin\",\"TERM=xterm\",\"HOME=/root\"],"
        "\"cwd\":\"/srv\","
        "\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_CHOWN\"],\"effective\":[\"CAP_KILL\"],"
        "\"permitted\":[\"CAP_KILL\"],\"inheritable\":[\"CAP_KILL\"],\"ambient\":[\"CAP_KILL\"]},"
        "\"noNewPrivileges\":true},"
        "\"root\":{\"path\":\"rootfs\"},\"hostname\":\"box\","
        "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"uts\"}],"
        "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
        "\"action\":\"SCMP_ACT_ALLOW\"}]}}}";

static struct rt_spec *parse_base(void) {
        struct ctrd_error err = { 0 };
        struct rt_spec *s = NULL;
        assert_int_equal(rt_spec_parse(base, "/b", &s, &err), 0);
        return s;
}

static void assert_strv(char **got, const char *const *want) {
        size_t i = 0;
        for (; want[i]; i++) {
                assert_non_null(got[i]);
                assert_string_equal(got[i], want[i]);
        }
        assert_null(got[i]);
}

static void test_env_overlay(void **state) {
        char *base_env[] = { "PATH=/bin", "TERM=xterm", "HOME=/root", NULL };
        char *overlay[] = { "TERM=dumb", "NEW=1", "HOME", "NEW=2", "PATH=/usr/bin:/bin", NULL };
        _cleanup_strv_free_ char **env = NULL;

        /* Base order kept, overlay wins (its last value), a bare key removes, new keys appended once. */
        assert_int_equal(rt_exec_env_overlay(base_env, overlay, &env), 0);
        assert_strv(env, (const char *const[]) { "PATH=/usr/bin:/bin", "TERM=dumb", "NEW=2", NULL });
}

static void test_env_overlay_empty(void **state) {
        char *base_env[] = { "A=1", "A=2", NULL };
        _cleanup_strv_free_ char **env = NULL, **none = NULL;

        /* No overlay: the base, each key once (the first wins, as a lookup would find). */
        assert_int_equal(rt_exec_env_overlay(base_env, NULL, &env), 0);
        assert_strv(env, (const char *const[]) { "A=1", NULL });
        assert_int_equal(rt_exec_env_overlay(NULL, NULL, &none), 0);
        assert_null(none[0]);
}

static void test_defaults_are_the_containers(void **state) {
        struct rt_spec *s = parse_base();
        struct ctrd_error err = { 0 };
        char *args[] = { "id", NULL };
        struct rt_exec_opts o = { .bundle = "/b", .args = args };

        assert_int_equal(rt_exec_spec_override(s, &o, &err), 0);
        assert_strv(s->args, (const char *const[]) { "id", NULL });
        assert_strv(s->env, (const char *const[]) { "PATH=/bin", "TERM=xterm", "HOME=/root", NULL });
        assert_string_equal(s->cwd, "/srv");
        assert_int_equal(s->uid, 1000);
        assert_int_equal(s->gid, 100);
        assert_int_equal(s->n_additional_gids, 1);
        assert_true(s->no_new_privileges);
        assert_non_null(s->seccomp);
        assert_false(s->terminal);
        /* The uts namespace is joined as it is: no sethostname. */
        assert_null(s->hostname);
        assert_int_equal(s->caps[RT_CAP_EFFECTIVE], UINT64_C(1) << 5);  /* CAP_KILL */
        rt_spec_free(s);
}

static void test_overrides(void **state) {
        struct rt_spec *s = parse_base();
        struct ctrd_error err = { 0 };
        char *args[] = { "sh", "-c", "echo hi", NULL };
        char *env[] = { "TERM=vt100", "X=y", NULL };
        gid_t gids[] = { 7, 8 };
        struct rt_exec_user user = { .uid = 0, .gid = 0, .additional_gids = gids, .n_additional_gids = 2 };
        struct rt_exec_opts o = { .bundle = "/b", .args = args, .env = env, .cwd = "/tmp",
                                  .user = &user, .terminal = true };

        assert_int_equal(rt_exec_spec_override(s, &o, &err), 0);
        assert_strv(s->args, (const char *const[]) { "sh", "-c", "echo hi", NULL });
        assert_strv(s->env, (const char *const[]) { "PATH=/bin", "TERM=vt100", "HOME=/root", "X=y", NULL });
        assert_string_equal(s->cwd, "/tmp");
        assert_int_equal(s->uid, 0);
        assert_int_equal(s->gid, 0);
        assert_int_equal(s->n_additional_gids, 2);
        assert_int_equal(s->additional_gids[1], 8);
        assert_true(s->terminal);
        rt_spec_free(s);
}

static void test_privileged(void **state) {
        struct rt_spec *s = parse_base();
        struct ctrd_error err = { 0 };
        char *args[] = { "sh", NULL };
        struct rt_exec_opts o = { .bundle = "/b", .args = args, .privileged = true };
        uint64_t bounding = 0;

        for (int cap = 0; cap < 64 && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
                if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
                        bounding |= UINT64_C(1) << cap;
        assert_int_equal(rt_exec_spec_override(s, &o, &err), 0);
        /* Every capability we hold in the bounding set, and no seccomp filter. */
        assert_int_equal(s->caps[RT_CAP_BOUNDING], bounding);
        assert_int_equal(s->caps[RT_CAP_EFFECTIVE], bounding);
        assert_int_equal(s->caps[RT_CAP_PERMITTED], bounding);
        assert_null(s->seccomp);
        assert_true(s->no_new_privileges);
        rt_spec_free(s);
}

static void test_refusals(void **state) {
        struct rt_spec *s = parse_base();
        struct ctrd_error err = { 0 };
        char *args[] = { "sh", NULL }, *empty[] = { NULL }, *blank[] = { "", NULL };

        assert_int_equal(rt_exec_spec_override(s, &(struct rt_exec_opts) { .args = empty }, &err), -EINVAL);
        assert_string_equal(err.msg, "exec: no command given");
        assert_int_equal(rt_exec_spec_override(s, &(struct rt_exec_opts) { .args = blank }, &err), -EINVAL);
        assert_int_equal(rt_exec_spec_override(s, &(struct rt_exec_opts) { .args = args, .cwd = "tmp" }, &err),
                         -EINVAL);
        assert_string_equal(err.msg, "exec: working directory 'tmp' is not absolute");
        /* Nothing changed by the refusals. */
        assert_string_equal(s->args[0], "sleep");
        assert_string_equal(s->cwd, "/srv");
        rt_spec_free(s);
}

static void test_load_names_the_bundle(void **state) {
        struct ctrd_error err = { 0 };
        struct rt_spec *s = NULL;
        char *args[] = { "sh", NULL };
        struct rt_exec_opts o = { .bundle = "/nonexistent-bundle-dir", .args = args };

        assert_int_equal(rt_exec_spec_load(&o, &s, &err), -ENOENT);
        assert_non_null(strstr(err.msg, "/nonexistent-bundle-dir/config.json"));
        assert_null(s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_env_overlay),
                cmocka_unit_test(test_env_overlay_empty),
                cmocka_unit_test(test_defaults_are_the_containers),
                cmocka_unit_test(test_overrides),
                cmocka_unit_test(test_privileged),
                cmocka_unit_test(test_refusals),
                cmocka_unit_test(test_load_names_the_bundle),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
