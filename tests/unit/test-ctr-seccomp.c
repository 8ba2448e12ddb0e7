/*
 * Unit tests for daemon/ctr-seccomp-*.c: the shape of the default profile,
 * its capability-dependent parts, that libseccomp (through the shim's own
 * compiler) accepts it, that it really blocks what it must in a child
 * process, and the conversion of Docker-format profiles.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon/ctr-caps.h"
#include "daemon/ctr-seccomp-default.h"
#include "shim/runtime/seccomp.h"
#include "shim/runtime/spec.h"

#define CAP(x) (UINT64_C(1) << CAP_##x)

static json_t *profile(uint64_t caps) {
        json_t *sc = NULL;
        struct ctrd_error err = { 0 };
        if (ctr_seccomp_default(caps, &sc, &err) < 0)
                fail_msg("%s", err.msg);
        return sc;
}

static json_t *allow_names(json_t *sc) {
        return json_object_get(json_array_get(json_object_get(sc, "syscalls"), 0), "names");
}

static bool listed(json_t *names, const char *name) {
        size_t i;
        json_t *v;
        json_array_foreach(names, i, v)
                if (strcmp(json_string_value(v), name) == 0)
                        return true;
        return false;
}

/* The rule (after the allow list) for name, or NULL. */
static json_t *rule_for(json_t *sc, const char *name) {
        size_t i;
        json_t *r;
        json_array_foreach(json_object_get(sc, "syscalls"), i, r)
                if (i > 0 && listed(json_object_get(r, "names"), name))
                        return r;
        return NULL;
}

static void test_shape(void **state) {
        static const char *const allowed[] = { "read", "write", "execve", "openat", "exit_group",
                                               "futex", "socket", "mmap", "rt_sigreturn",
                                               "chroot", "ptrace", "wait4", "pidfd_open" };
        static const char *const denied[] = {
                "kexec_load", "kexec_file_load", "mount", "umount2", "reboot", "init_module",
                "finit_module", "delete_module", "bpf", "unshare", "setns", "pivot_root",
                "swapon", "swapoff", "open_by_handle_at", "keyctl", "add_key", "request_key",
                "io_uring_setup", "userfaultfd", "perf_event_open", "clone", "clone3", "acct",
                "settimeofday", "clock_settime", "iopl", "ioperm", "syslog", "vhangup",
                "fsopen", "move_mount", "open_tree", "quotactl", "lookup_dcookie", "personality",
                "uselib", "nfsservctl", "_sysctl", "ustat", "vm86", "mbind", "name_to_handle_at",
        };
        json_t *sc = profile(ctr_caps_default());
        (void) state;
        assert_string_equal(json_string_value(json_object_get(sc, "defaultAction")),
                            "SCMP_ACT_ERRNO");
        assert_int_equal(json_integer_value(json_object_get(sc, "defaultErrnoRet")), EPERM);
#if defined(__x86_64__)
        char *arches = json_dumps(json_object_get(sc, "architectures"), JSON_COMPACT);
        assert_string_equal(arches, "[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"]");
        free(arches);
#endif
        json_t *first = json_array_get(json_object_get(sc, "syscalls"), 0);
        assert_string_equal(json_string_value(json_object_get(first, "action")), "SCMP_ACT_ALLOW");
        json_t *names = allow_names(sc);
        for (size_t i = 0; i < sizeof(allowed) / sizeof(*allowed); i++)
                if (!listed(names, allowed[i]))
                        fail_msg("%s is not allowed", allowed[i]);
        for (size_t i = 0; i < sizeof(denied) / sizeof(*denied); i++)
                if (listed(names, denied[i]))
                        fail_msg("%s is allowed", denied[i]);
        /* Each name once. */
        for (size_t i = 0; i < json_array_size(names); i++)
                for (size_t j = i + 1; j < json_array_size(names); j++)
                        assert_string_not_equal(json_string_value(json_array_get(names, i)),
                                                json_string_value(json_array_get(names, j)));

        /* clone without namespace flags only; clone3 says ENOSYS so libc falls back to clone. */
        json_t *clone = rule_for(sc, "clone");
        assert_non_null(clone);
        json_t *arg = json_array_get(json_object_get(clone, "args"), 0);
        assert_string_equal(json_string_value(json_object_get(arg, "op")), "SCMP_CMP_MASKED_EQ");
        assert_int_equal(json_integer_value(json_object_get(arg, "value")), 0x7E020000);
        assert_int_equal(json_integer_value(json_object_get(arg, "valueTwo")), 0);
        json_t *clone3 = rule_for(sc, "clone3");
        assert_string_equal(json_string_value(json_object_get(clone3, "action")), "SCMP_ACT_ERRNO");
        assert_int_equal(json_integer_value(json_object_get(clone3, "errnoRet")), ENOSYS);
        assert_non_null(rule_for(sc, "personality"));
        json_decref(sc);
}

static void test_capabilities(void **state) {
        (void) state;
        json_t *sc = profile(ctr_caps_default() | CAP(SYS_ADMIN) | CAP(SYS_BOOT) | CAP(SYS_TIME));
        json_t *names = allow_names(sc);
        static const char *const opened[] = { "mount", "umount2", "unshare", "setns", "clone",
                                              "clone3", "bpf", "perf_event_open", "syslog",
                                              "reboot", "settimeofday", "clock_settime" };
        for (size_t i = 0; i < sizeof(opened) / sizeof(*opened); i++)
                if (!listed(names, opened[i]))
                        fail_msg("%s is not opened by its capability", opened[i]);
        /* With CAP_SYS_ADMIN clone is unconditional: no argument rule, no ENOSYS for clone3. */
        assert_null(rule_for(sc, "clone"));
        assert_null(rule_for(sc, "clone3"));
        assert_false(listed(names, "kexec_load"));
        for (size_t i = 0; i < json_array_size(names); i++)
                for (size_t j = i + 1; j < json_array_size(names); j++)
                        assert_string_not_equal(json_string_value(json_array_get(names, i)),
                                                json_string_value(json_array_get(names, j)));
        json_decref(sc);

        sc = profile(ctr_caps_default() & ~CAP(SYS_CHROOT));
        assert_false(listed(allow_names(sc), "chroot"));
        json_decref(sc);
}

/* The shim's parser and libseccomp accept the profile. */
static struct rt_spec *parse(json_t *sc) {
        json_t *spec = json_pack("{s:s,s:{s:{s:i,s:i},s:[s],s:s},s:{s:s},s:{s:[{s:s}],s:O}}",
                                 "ociVersion", "1.0.2", "process", "user", "uid", 0, "gid", 0,
                                 "args", "x", "cwd", "/", "root", "path", "/r", "linux",
                                 "namespaces", "type", "mount", "seccomp", sc);
        char *text = json_dumps(spec, JSON_COMPACT);
        struct ctrd_error err = { 0 };
        struct rt_spec *rt = NULL;
        if (rt_spec_parse(text, "/b", &rt, &err) < 0)
                fail_msg("%s", err.msg);
        free(text);
        json_decref(spec);
        return rt;
}

static void test_compiles(void **state) {
        (void) state;
        for (int admin = 0; admin < 2; admin++) {
                json_t *sc = profile(ctr_caps_default() | (admin ? CAP(SYS_ADMIN) : 0));
                struct rt_spec *rt = parse(sc);
                struct rt_seccomp_filter *f = NULL;
                struct ctrd_error err = { 0 };
                if (rt_seccomp_compile(rt->seccomp, &f, &err) < 0)
                        fail_msg("%s", err.msg);
                rt_seccomp_free(f);
                rt_spec_free(rt);
                json_decref(sc);
        }
}

/* Runs in a child under the default filter; each failed check is one bit of the exit code. */
static int probe_child(struct rt_seccomp_filter *f) {
        int bad = 0;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || rt_seccomp_load(f) < 0)
                return 255;
        if (getpid() <= 0)
                bad |= 1;
        if (syscall(SYS_kexec_load, 0, 0, 0, 0) != -1 || errno != EPERM)
                bad |= 2;
        /* A target that does not exist: without the filter this fails with ENOENT, harmlessly. */
        if (mount("none", "/nonexistent-ctrd-test", "tmpfs", 0, NULL) != -1 || errno != EPERM)
                bad |= 4;
        if (unshare(CLONE_NEWNS) != -1 || errno != EPERM)
                bad |= 8;
        if (syscall(SYS_clone3, NULL, 0) != -1 || errno != ENOSYS)
                bad |= 16;
        if (syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0) != -1 || errno != EPERM)
                bad |= 32;
        if (personality(0xffffffff) == -1 || personality(ADDR_NO_RANDOMIZE) != -1)
                bad |= 64;
        pid_t pid = fork();             /* plain clone: allowed */
        if (pid == 0)
                _exit(0);
        if (pid < 0 || waitpid(pid, NULL, 0) != pid)
                bad |= 128;
        return bad;
}

static void test_enforced(void **state) {
        struct rt_seccomp_filter *f = NULL;
        struct ctrd_error err = { 0 };
        int status;
        (void) state;
        json_t *sc = profile(ctr_caps_default());
        struct rt_spec *rt = parse(sc);
        assert_int_equal(rt_seccomp_compile(rt->seccomp, &f, &err), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
                _exit(probe_child(f));
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        if (WEXITSTATUS(status) != 0)
                fail_msg("checks failed under the filter: mask 0x%x", WEXITSTATUS(status));
        rt_seccomp_free(f);
        rt_spec_free(rt);
        json_decref(sc);
}

static void test_docker_profile(void **state) {
        struct ctrd_error err = { 0 };
        json_t *out = NULL, *native = ctr_seccomp_native_arches();
        const char *arch = json_string_value(json_array_get(native, 0));
        char text[2048];
        (void) state;
        snprintf(text, sizeof(text),
                 "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
                 "\"archMap\":[{\"architecture\":\"SCMP_ARCH_NONE\",\"subArchitectures\":[]},"
                 "{\"architecture\":\"%s\",\"subArchitectures\":[\"SCMP_ARCH_X86\"]}],"
                 "\"syscalls\":["
                 "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},"
                 "{\"name\":\"write\",\"action\":\"SCMP_ACT_ALLOW\"},"
                 "{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ALLOW\","
                 "\"includes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}},"
                 "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\","
                 "\"excludes\":{\"caps\":[\"CAP_SYS_ADMIN\"]},"
                 "\"args\":[{\"index\":0,\"value\":2114060288,\"valueTwo\":0,"
                 "\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
                 "{\"names\":[\"x1\"],\"action\":\"SCMP_ACT_ALLOW\","
                 "\"includes\":{\"arches\":[\"nosucharch\"]}},"
                 "{\"names\":[\"x2\"],\"action\":\"SCMP_ACT_ALLOW\","
                 "\"excludes\":{\"arches\":[\"nosucharch\"]}},"
                 "{\"names\":[\"x3\"],\"action\":\"SCMP_ACT_ALLOW\","
                 "\"includes\":{\"minKernel\":\"99.0\"}},"
                 "{\"names\":[\"x4\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1,"
                 "\"includes\":{\"minKernel\":\"3.0\"}}]}", arch);
        json_t *p = json_loads(text, 0, NULL);
        assert_non_null(p);
        assert_int_equal(ctr_seccomp_from_profile(p, ctr_caps_default(), &out, &err), 0);
        char *got = json_dumps(out, JSON_COMPACT);
        char want[2048];
        snprintf(want, sizeof(want),
                 "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"%s\",\"SCMP_ARCH_X86\"],"
                 "\"syscalls\":[{\"action\":\"SCMP_ACT_ALLOW\",\"names\":[\"read\"]},"
                 "{\"action\":\"SCMP_ACT_ALLOW\",\"names\":[\"write\"]},"
                 "{\"action\":\"SCMP_ACT_ALLOW\",\"names\":[\"clone\"],\"args\":[{\"index\":0,"
                 "\"value\":2114060288,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
                 "{\"action\":\"SCMP_ACT_ALLOW\",\"names\":[\"x2\"]},"
                 "{\"action\":\"SCMP_ACT_ERRNO\",\"names\":[\"x4\"],\"errnoRet\":1}],"
                 "\"defaultErrnoRet\":38}", arch);
        assert_string_equal(got, want);
        free(got);
        rt_spec_free(parse(out));
        json_decref(out);

        /* With CAP_SYS_ADMIN the mount rule is in and the clone rule out. */
        assert_int_equal(ctr_seccomp_from_profile(p, ctr_caps_default() | CAP(SYS_ADMIN), &out,
                                                  &err), 0);
        got = json_dumps(json_object_get(out, "syscalls"), JSON_COMPACT);
        assert_non_null(strstr(got, "\"mount\""));
        assert_null(strstr(got, "\"clone\""));
        free(got);
        json_decref(out);
        json_decref(p);
        json_decref(native);

        /* Broken profiles. */
        static const char *const bad[] = {
                "{\"syscalls\":[]}",
                "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"]}",
                "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"]}]}",
                "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"action\":\"SCMP_ACT_ALLOW\"}]}",
                "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":{}}",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
                p = json_loads(bad[i], 0, NULL);
                out = NULL;
                assert_int_equal(ctr_seccomp_from_profile(p, 0, &out, &err), -EINVAL);
                assert_null(out);
                json_decref(p);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_shape),
                cmocka_unit_test(test_capabilities),
                cmocka_unit_test(test_compiles),
                cmocka_unit_test(test_enforced),
                cmocka_unit_test(test_docker_profile),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
