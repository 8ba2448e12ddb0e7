/* Unit tests for the seccomp program cache (shim/runtime/seccomp-cache.c, seccomp.c). */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "shim/runtime/seccomp-cache.h"
#include "shim/runtime/seccomp.h"

static char dir[] = "/tmp/test-rt-seccomp.XXXXXX";

static char *names_getpid[] = { "getpid", "exit", "exit_group", NULL };
static char *names_mkdir[] = { "mkdir", "mkdirat", "no_such_syscall", NULL };
static struct rt_seccomp_arg arg_personality = { .index = 0, .value = 8, .op = SCMP_CMP_EQ };

static struct rt_seccomp_rule rules[] = {
        { .names = names_getpid, .action = SCMP_ACT_ALLOW },
        { .names = names_mkdir, .action = SCMP_ACT_ERRNO(EPERM) },
};

static struct rt_seccomp profile(void) {
        return (struct rt_seccomp) { .default_action = SCMP_ACT_ERRNO(ENOSYS),
                                     .rules = rules, .n_rules = 2 };
}

static int setup(void **state) {
        (void) state;
        return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
        char cmd[128];
        (void) state;
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        return system(cmd) == 0 ? 0 : -1;
}

static void get_key(const struct rt_seccomp *sc, char **key, size_t *len) {
        assert_int_equal(rt_seccomp_cache_key(sc, key, len), 0);
        assert_true(*len > 0);
}

static void test_key_names_every_field(void **state) {
        (void) state;
        struct rt_seccomp a = profile(), b = profile();
        struct rt_seccomp_rule other[2] = { rules[0], rules[1] };
        char *ka, *kb;
        size_t la, lb;

        get_key(&a, &ka, &la);
        get_key(&b, &kb, &lb);
        assert_true(la == lb && memcmp(ka, kb, la) == 0);
        free(kb);

        b.default_action = SCMP_ACT_KILL;
        get_key(&b, &kb, &lb);
        assert_false(la == lb && memcmp(ka, kb, la) == 0);
        free(kb);

        b = profile();
        other[1].action = SCMP_ACT_ERRNO(EACCES);
        b.rules = other;
        get_key(&b, &kb, &lb);
        assert_false(la == lb && memcmp(ka, kb, la) == 0);
        free(kb);

        other[1] = rules[1];
        other[0].args = &arg_personality;
        other[0].n_args = 1;
        get_key(&b, &kb, &lb);
        assert_false(la == lb && memcmp(ka, kb, la) == 0);
        free(kb);
        free(ka);
}

static void test_prepare_compiles_once_then_reads_back(void **state) {
        (void) state;
        struct rt_seccomp sc = profile();
        struct rt_seccomp_filter *first = NULL, *again = NULL;
        struct ctrd_error err = { 0 };

        assert_int_equal(rt_seccomp_prepare(&sc, dir, &first, &err), 0);
        assert_true(first->len > 0);
        /* The second time comes from the file: same program, no libseccomp. */
        char *key;
        size_t key_len;
        struct sock_filter *cached;
        size_t n;
        get_key(&sc, &key, &key_len);
        assert_int_equal(rt_seccomp_cache_get(dir, key, key_len, &cached, &n), 0);
        assert_int_equal(n, first->len);
        assert_memory_equal(cached, first->insns, n * sizeof(*cached));
        free(cached);
        assert_int_equal(rt_seccomp_prepare(&sc, dir, &again, &err), 0);
        assert_int_equal(again->len, first->len);
        assert_memory_equal(again->insns, first->insns, first->len * sizeof(*first->insns));
        rt_seccomp_free(first);
        rt_seccomp_free(again);
        free(key);
}

/* The one *.bpf file in d that is not `except` (may be empty). */
static void only_file(const char *d, const char *except, char *path, size_t size) {
        char cmd[512];
        snprintf(cmd, sizeof(cmd), "ls '%s'/*.bpf | grep -vxF '%s'", d, except[0] ? except : "-");
        FILE *p = popen(cmd, "r");
        assert_non_null(p);
        assert_non_null(fgets(path, (int) size, p));
        path[strcspn(path, "\n")] = 0;
        pclose(p);
}

static void test_damaged_files_are_misses(void **state) {
        (void) state;
        struct rt_seccomp sc = profile();
        struct rt_seccomp_filter *f = NULL;
        struct ctrd_error err = { 0 };
        struct sock_filter *got;
        char path[512], *key;
        size_t key_len, n;
        struct stat st;

        assert_int_equal(rt_seccomp_prepare(&sc, dir, &f, &err), 0);
        get_key(&sc, &key, &key_len);
        only_file(dir, "", path, sizeof(path));
        assert_int_equal(stat(path, &st), 0);

        /* One flipped bit in the program. */
        int fd = open(path, O_RDWR);
        unsigned char byte;
        assert_true(fd >= 0);
        assert_int_equal(pread(fd, &byte, 1, st.st_size - 3), 1);
        byte ^= 1;
        assert_int_equal(pwrite(fd, &byte, 1, st.st_size - 3), 1);
        assert_int_equal(rt_seccomp_cache_get(dir, key, key_len, &got, &n), -ENOENT);
        /* Torn: the tail is missing. */
        assert_int_equal(ftruncate(fd, st.st_size - 8), 0);
        assert_int_equal(rt_seccomp_cache_get(dir, key, key_len, &got, &n), -ENOENT);
        close(fd);

        rt_seccomp_free(f);
        free(key);
}

static void test_another_key_under_the_name_is_a_miss(void **state) {
        (void) state;
        struct rt_seccomp sc = profile();
        struct sock_filter prog[] = { { 6, 0, 0, SCMP_ACT_ALLOW } };
        struct ctrd_error err = { 0 };
        struct sock_filter *got;
        char sub[300], mine[512], theirs[512], cmd[1200], *key;
        size_t key_len, n;

        snprintf(sub, sizeof(sub), "%s/collide", dir);
        get_key(&sc, &key, &key_len);
        assert_int_equal(rt_seccomp_cache_put(sub, key, key_len, prog, 1, &err), 0);
        only_file(sub, "", mine, sizeof(mine));
        key[key_len - 2] ^= 0x01;
        assert_int_equal(rt_seccomp_cache_put(sub, key, key_len, prog, 1, &err), 0);
        only_file(sub, mine, theirs, sizeof(theirs));
        key[key_len - 2] ^= 0x01;
        /* Our name now holds the other key's file, as after a hash collision. */
        snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", theirs, mine);
        assert_int_equal(system(cmd), 0);
        assert_int_equal(rt_seccomp_cache_get(sub, key, key_len, &got, &n), -ENOENT);
        free(key);
}

static void test_a_directory_others_can_write_is_not_used(void **state) {
        (void) state;
        struct rt_seccomp sc = profile();
        struct ctrd_error err = { 0 };
        struct sock_filter *got;
        char *key;
        size_t key_len, n;

        get_key(&sc, &key, &key_len);
        assert_int_equal(chmod(dir, 0777), 0);
        assert_int_equal(rt_seccomp_cache_get(dir, key, key_len, &got, &n), -EPERM);
        assert_true(rt_seccomp_cache_put(dir, key, key_len, (struct sock_filter[]) { { 6, 0, 0, 0 } },
                                         1, &err) < 0);
        assert_int_equal(chmod(dir, 0700), 0);
        free(key);
}

static int prctl_nnp(void) {
        return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

/*
 * Straight to exit_group: under ASan, _exit() runs the leak check, which sees
 * the parent's filter as leaked in this fork and has syscalls the filter refuses.
 */
static _Noreturn void child_exit(int code) {
        syscall(SYS_exit_group, code);
        __builtin_unreachable();
}

static void test_load_applies_the_program(void **state) {
        (void) state;
        struct rt_seccomp sc = profile();
        struct rt_seccomp_filter *f = NULL;
        struct ctrd_error err = { 0 };

        assert_int_equal(rt_seccomp_prepare(&sc, NULL, &f, &err), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                /* Loading without CAP_SYS_ADMIN needs no_new_privs, as in a container. */
                if (prctl_nnp() < 0 || rt_seccomp_load(f) < 0)
                        child_exit(10);
                if (mkdir("/nonexistent-dir/x", 0700) == 0 || errno != EPERM)
                        child_exit(11);
                if (syscall(SYS_getppid) != -1 || errno != ENOSYS)
                        child_exit(12);
                child_exit(0);
        }
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        rt_seccomp_free(f);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_key_names_every_field),
                cmocka_unit_test(test_prepare_compiles_once_then_reads_back),
                cmocka_unit_test(test_damaged_files_are_misses),
                cmocka_unit_test(test_another_key_under_the_name_is_a_miss),
                cmocka_unit_test(test_a_directory_others_can_write_is_not_used),
                cmocka_unit_test(test_load_applies_the_program),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
