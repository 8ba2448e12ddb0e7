/* Unit tests for the runtime's name tables: capabilities, rlimits, seccomp, mount options. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <cmocka.h>
#include <linux/capability.h>
#include <seccomp.h>

#include "shim/runtime/names.h"

static void test_caps(void **state) {
        assert_int_equal(rt_cap_from_name("CAP_CHOWN"), CAP_CHOWN);
        assert_int_equal(rt_cap_from_name("CAP_NET_BIND_SERVICE"), CAP_NET_BIND_SERVICE);
        assert_int_equal(rt_cap_from_name("CAP_SYS_ADMIN"), CAP_SYS_ADMIN);
        assert_int_equal(rt_cap_from_name("CAP_AUDIT_WRITE"), CAP_AUDIT_WRITE);
        assert_int_equal(rt_cap_from_name("CAP_CHECKPOINT_RESTORE"), 40);
        assert_int_equal(rt_cap_from_name("CAP_NOPE"), -EINVAL);
        assert_int_equal(rt_cap_from_name("cap_chown"), -EINVAL);
        assert_int_equal(rt_cap_from_name(""), -EINVAL);
        /* Every name maps back to its number. */
        for (int c = 0; c <= rt_cap_last(); c++)
                assert_int_equal(rt_cap_from_name(rt_cap_to_name(c)), c);
        assert_null(rt_cap_to_name(-1));
        assert_null(rt_cap_to_name(rt_cap_last() + 1));
}

static void test_rlimits(void **state) {
        assert_int_equal(rt_rlimit_from_name("RLIMIT_NOFILE"), RLIMIT_NOFILE);
        assert_int_equal(rt_rlimit_from_name("RLIMIT_NPROC"), RLIMIT_NPROC);
        assert_int_equal(rt_rlimit_from_name("RLIMIT_RTTIME"), RLIMIT_RTTIME);
        assert_int_equal(rt_rlimit_from_name("RLIMIT_BOGUS"), -EINVAL);
        assert_int_equal(rt_rlimit_from_name("NOFILE"), -EINVAL);
        assert_string_equal(rt_rlimit_to_name(RLIMIT_CORE), "RLIMIT_CORE");
}

static void test_seccomp_names(void **state) {
        uint32_t a = 0;
        int op = 0;
        assert_int_equal(rt_seccomp_action_from_name("SCMP_ACT_ERRNO", EPERM, &a), 0);
        assert_int_equal(a, SCMP_ACT_ERRNO(EPERM));
        assert_int_equal(rt_seccomp_action_from_name("SCMP_ACT_ERRNO", 38, &a), 0);
        assert_int_equal(a, SCMP_ACT_ERRNO(38));
        assert_int_equal(rt_seccomp_action_from_name("SCMP_ACT_ALLOW", 0, &a), 0);
        assert_int_equal(a, SCMP_ACT_ALLOW);
        assert_int_equal(rt_seccomp_action_from_name("SCMP_ACT_KILL", 0, &a), 0);
        assert_int_equal(a, SCMP_ACT_KILL_THREAD);
        assert_int_equal(rt_seccomp_action_from_name("SCMP_ACT_KILL_PROCESS", 0, &a), 0);
        assert_int_equal(a, SCMP_ACT_KILL_PROCESS);
        assert_int_equal(rt_seccomp_action_from_name("SCMP_ACT_NOTIFY", 0, &a), -EINVAL);
        assert_int_equal(rt_seccomp_arch_from_name("SCMP_ARCH_X86_64", &a), 0);
        assert_int_equal(a, SCMP_ARCH_X86_64);
        assert_int_equal(rt_seccomp_arch_from_name("SCMP_ARCH_AARCH64", &a), 0);
        assert_int_equal(a, SCMP_ARCH_AARCH64);
        assert_int_equal(rt_seccomp_arch_from_name("x86_64", &a), -EINVAL);
        assert_int_equal(rt_seccomp_op_from_name("SCMP_CMP_MASKED_EQ", &op), 0);
        assert_int_equal(op, SCMP_CMP_MASKED_EQ);
        assert_int_equal(rt_seccomp_op_from_name("SCMP_CMP_EQ", &op), 0);
        assert_int_equal(op, SCMP_CMP_EQ);
        assert_int_equal(rt_seccomp_op_from_name("EQ", &op), -EINVAL);
}

static void test_mount_options(void **state) {
        char *opts[] = { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", "ro", NULL };
        unsigned long flags = 0, prop = 0;
        char *data = NULL;
        assert_int_equal(rt_mount_options(opts, &flags, &prop, &data, NULL), 0);
        assert_int_equal(flags, MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY);
        assert_int_equal(prop, 0);
        assert_string_equal(data, "mode=1777,size=65536k");
        free(data);

        /* A later option undoes an earlier one; propagation is not a flag. */
        char *opts2[] = { "rbind", "ro", "rw", "rslave", NULL };
        assert_int_equal(rt_mount_options(opts2, &flags, &prop, &data, NULL), 0);
        assert_int_equal(flags, MS_BIND | MS_REC);
        assert_int_equal(prop, MS_SLAVE | MS_REC);
        assert_null(data);

        char *bad[] = { "mode=755,size=1", NULL };
        assert_int_equal(rt_mount_options(bad, &flags, &prop, &data, NULL), -EINVAL);
        char *empty[] = { "", NULL };
        assert_int_equal(rt_mount_options(empty, &flags, &prop, &data, NULL), -EINVAL);
        char *unsupported[] = { "nosuid", "tmpcopyup", NULL };
        assert_int_equal(rt_mount_options(unsupported, &flags, &prop, &data, NULL), -EOPNOTSUPP);
        char *rro[] = { "rro", NULL };
        assert_int_equal(rt_mount_options(rro, &flags, &prop, &data, NULL), -EOPNOTSUPP);
        assert_int_equal(rt_mount_options(NULL, &flags, &prop, &data, NULL), 0);
        assert_int_equal(flags, 0);
}

static void test_propagation(void **state) {
        unsigned long p = 0;
        assert_int_equal(rt_propagation_from_name("rprivate", &p), 0);
        assert_int_equal(p, MS_PRIVATE | MS_REC);
        assert_int_equal(rt_propagation_from_name("shared", &p), 0);
        assert_int_equal(p, MS_SHARED);
        assert_int_equal(rt_propagation_from_name("private ", &p), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_caps),
                cmocka_unit_test(test_rlimits),
                cmocka_unit_test(test_seccomp_names),
                cmocka_unit_test(test_mount_options),
                cmocka_unit_test(test_propagation),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
