/* Unit tests for config.json parsing and validation (shim/runtime/spec*.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <jansson.h>
#include <linux/capability.h>
#include <seccomp.h>

#include "shim/runtime/spec.h"

/* What `runc spec` writes (terminal off), plus a few fields it leaves out. */
static const char base[] =
        "{\"ociVersion\":\"1.0.2-dev\","
        "\"process\":{\"terminal\":false,\"user\":{\"uid\":1000,\"gid\":100,"
        "\"additionalGids\":[5,6],\"umask\":18},"
        "\"args\":[\"sh\",\"-c\",\"true\"],\"env\":[\"PATH=/bin\",\"TERM=xterm\"],\"cwd\":\"/\","
        "\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
        "\"effective\":[\"CAP_KILL\"],\"permitted\":[\"CAP_KILL\"],\"ambient\":[]},"
        "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":512}],"
        "\"noNewPrivileges\":true,\"oomScoreAdj\":100},"
        "\"root\":{\"path\":\"rootfs\",\"readonly\":true},\"hostname\":\"h\","
        "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
        "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
        "\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
        "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv\","
        "\"options\":[\"rbind\",\"ro\",\"rprivate\"]}],"
        "\"linux\":{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}],"
        "\"memory\":{\"limit\":4194304,\"swap\":-1},\"cpu\":{\"shares\":512,\"quota\":50000,"
        "\"period\":100000,\"cpus\":\"0\"},\"pids\":{\"limit\":1}},"
        "\"cgroupsPath\":\"/ctrd/x\","
        "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\",\"path\":\"/run/netns/n\"},"
        "{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"}],"
        "\"maskedPaths\":[\"/proc/kcore\"],\"readonlyPaths\":[\"/proc/sys\"],"
        "\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}}}";

/* Parses base after applying a JSON-pointer-like edit: set obj path to value (or delete). */
static int parse_edited(const char *const *path, const char *value_json, struct rt_spec **ret,
                        struct ctrd_error *err) {
        json_t *root = json_loads(base, 0, NULL), *o = root;
        assert_non_null(root);
        for (; path[1]; path++) {
                o = json_object_get(o, path[0]);
                assert_non_null(o);
        }
        if (value_json)
                json_object_set_new(o, path[0], json_loads(value_json, JSON_DECODE_ANY, NULL));
        else
                json_object_del(o, path[0]);
        char *text = json_dumps(root, 0);
        json_decref(root);
        int r = rt_spec_parse(text, "/b", ret, err);
        free(text);
        return r;
}

#define EDIT(value, ...) \
        parse_edited((const char *const[]) { __VA_ARGS__, NULL }, (value), &s, &err)

static void test_base_parses(void **state) {
        struct ctrd_error err = { 0 };
        struct rt_spec *s = NULL;
        assert_int_equal(rt_spec_parse(base, "/b", &s, &err), 0);
        assert_false(s->terminal);
        assert_string_equal(s->args[2], "true");
        assert_null(s->args[3]);
        assert_string_equal(s->env[1], "TERM=xterm");
        assert_int_equal(s->uid, 1000);
        assert_int_equal(s->gid, 100);
        assert_int_equal(s->n_additional_gids, 2);
        assert_int_equal(s->additional_gids[1], 6);
        assert_int_equal(s->umask, 18);
        assert_true(s->has_caps);
        assert_int_equal(s->caps[RT_CAP_BOUNDING],
                         (1ULL << CAP_KILL) | (1ULL << CAP_NET_BIND_SERVICE));
        assert_int_equal(s->caps[RT_CAP_EFFECTIVE], 1ULL << CAP_KILL);
        assert_int_equal(s->caps[RT_CAP_INHERITABLE], 0);
        assert_int_equal(s->n_rlimits, 1);
        assert_int_equal(s->rlimits[0].resource, RLIMIT_NOFILE);
        assert_int_equal(s->rlimits[0].soft, 512);
        assert_true(s->no_new_privileges);
        assert_true(s->has_oom_score_adj);
        assert_int_equal(s->oom_score_adj, 100);
        assert_string_equal(s->root_path, "/b/rootfs");
        assert_true(s->root_readonly);
        assert_string_equal(s->hostname, "h");
        assert_int_equal(s->n_mounts, 3);
        assert_string_equal(s->mounts[1].data, "mode=755,size=65536k");
        assert_int_equal(s->mounts[1].flags, MS_NOSUID | MS_STRICTATIME);
        assert_null(s->mounts[2].type);
        assert_int_equal(s->mounts[2].flags, MS_BIND | MS_REC | MS_RDONLY);
        assert_int_equal(s->mounts[2].propagation, MS_PRIVATE | MS_REC);
        assert_int_equal(s->resources.memory_limit, 4194304);
        assert_int_equal(s->resources.memory_swap, -1);
        assert_int_equal(s->resources.memory_reservation, -1);
        assert_int_equal(s->resources.cpu_shares, 512);
        assert_int_equal(s->resources.cpu_quota, 50000);
        assert_int_equal(s->resources.cpu_period, 100000);
        assert_string_equal(s->resources.cpuset_cpus, "0");
        assert_null(s->resources.cpuset_mems);
        assert_int_equal(s->resources.pids_limit, 1);
        assert_string_equal(s->cgroups_path, "/ctrd/x");
        assert_int_equal(s->n_namespaces, 5);
        assert_string_equal(rt_spec_namespace(s, CLONE_NEWNET)->path, "/run/netns/n");
        assert_null(rt_spec_namespace(s, CLONE_NEWPID)->path);
        assert_null(rt_spec_namespace(s, CLONE_NEWUSER));
        assert_string_equal(s->masked_paths[0], "/proc/kcore");
        assert_string_equal(s->readonly_paths[0], "/proc/sys");
        assert_int_equal(s->rootfs_propagation, MS_PRIVATE | MS_REC);
        assert_null(s->seccomp);
        assert_int_equal(s->n_sysctls, 1);
        assert_string_equal(s->sysctls[0].key, "net.ipv4.ip_forward");
        rt_spec_free(s);
}

/* Each bad edit fails, and the message names the field. */
static void test_wrong_types_name_the_field(void **state) {
        struct ctrd_error err = { 0 };
        struct rt_spec *s = NULL;

        assert_int_equal(EDIT("\"x\"", "linux", "resources", "memory", "limit"), -EINVAL);
        assert_string_equal(err.msg, "linux.resources.memory.limit: expected integer");
        assert_int_equal(EDIT("\"0\"", "process", "user", "uid"), -EINVAL);
        assert_string_equal(err.msg, "process.user.uid: expected integer");
        assert_int_equal(EDIT("\"sh\"", "process", "args"), -EINVAL);
        assert_string_equal(err.msg, "process.args: expected array");
        assert_int_equal(EDIT("[\"sh\", 1]", "process", "args"), -EINVAL);
        assert_string_equal(err.msg, "process.args[1]: expected string");
        assert_int_equal(EDIT("1", "root", "readonly"), -EINVAL);
        assert_string_equal(err.msg, "root.readonly: expected boolean");
        assert_int_equal(EDIT("[1]", "mounts"), -EINVAL);
        assert_string_equal(err.msg, "mounts[0]: expected object");
        assert_int_equal(EDIT(NULL, "process", "cwd"), -EINVAL);
        assert_string_equal(err.msg, "process.cwd: missing");
        assert_int_equal(EDIT("[]", "process", "args"), -EINVAL);
        assert_int_equal(EDIT("\"rel\"", "process", "cwd"), -EINVAL);
        assert_int_equal(EDIT("[\"NOEQUALS\"]", "process", "env"), -EINVAL);
        assert_string_equal(err.msg, "process.env[0]: expected KEY=VALUE");
}

static void test_unsupported_and_unknown(void **state) {
        struct ctrd_error err = { 0 };
        struct rt_spec *s = NULL;

        assert_int_equal(EDIT("{}", "hooks"), -EOPNOTSUPP);
        assert_string_equal(err.msg, "hooks: unsupported field");
        assert_int_equal(EDIT("1", "linux", "resources", "memory", "kernel"), -EOPNOTSUPP);
        assert_string_equal(err.msg, "linux.resources.memory.kernel: unsupported field");
        assert_int_equal(EDIT("\"x\"", "process", "apparmorProfile"), -EOPNOTSUPP);
        assert_int_equal(EDIT("[\"CAP_NOPE\"]", "process", "capabilities", "bounding"), -EINVAL);
        assert_string_equal(err.msg, "process.capabilities.bounding: unknown capability 'CAP_NOPE'");
        assert_int_equal(EDIT("[{\"type\":\"RLIMIT_X\",\"soft\":1,\"hard\":1}]", "process",
                              "rlimits"), -EINVAL);
        assert_int_equal(EDIT("[{\"type\":\"RLIMIT_CORE\",\"soft\":2,\"hard\":1}]", "process",
                              "rlimits"), -EINVAL);
        assert_int_equal(EDIT("[{\"type\":\"RLIMIT_CORE\",\"soft\":-1,\"hard\":1}]", "process",
                              "rlimits"), -ERANGE);
        assert_int_equal(EDIT("\"2.0.0\"", "ociVersion"), -EINVAL);
        assert_int_equal(EDIT("\"relative\"", "linux", "cgroupsPath"), -EINVAL);
        assert_int_equal(EDIT("\"/a/../b\"", "linux", "cgroupsPath"), -EINVAL);
        assert_int_equal(EDIT("\"sideways\"", "linux", "rootfsPropagation"), -EINVAL);
        assert_int_equal(EDIT("1001", "process", "oomScoreAdj"), -ERANGE);
        assert_int_equal(EDIT("{\"../x\":\"1\"}", "linux", "sysctl"), -EINVAL);
        assert_int_equal(EDIT("[{\"destination\":\"/x\",\"type\":\"tmpfs\","
                              "\"options\":[\"tmpcopyup\"]}]", "mounts"), -EOPNOTSUPP);
        assert_string_equal(err.msg,
                            "mounts[0].options: mount option 'tmpcopyup' is not supported");
}

static void test_namespace_rules(void **state) {
        struct ctrd_error err = { 0 };
        struct rt_spec *s = NULL;

        /* No mount namespace: we would pivot_root the host. */
        assert_int_equal(EDIT("[{\"type\":\"pid\"}]", "linux", "namespaces"), -EOPNOTSUPP);
        assert_int_equal(EDIT("[{\"type\":\"mount\"},{\"type\":\"mount\"}]", "linux", "namespaces"),
                         -EINVAL);
        assert_int_equal(EDIT("[{\"type\":\"mount\"},{\"type\":\"time\"}]", "linux", "namespaces"),
                         -EOPNOTSUPP);
        /* Hostname without its own uts namespace would rename the host. */
        assert_int_equal(EDIT("[{\"type\":\"mount\"}]", "linux", "namespaces"), -EINVAL);
        assert_string_equal(err.msg, "hostname: needs a new uts namespace");
        /* A user namespace needs mappings, mappings need a user namespace. */
        assert_int_equal(EDIT("[{\"type\":\"mount\"},{\"type\":\"uts\"},{\"type\":\"user\"}]",
                              "linux", "namespaces"), -EINVAL);
        assert_int_equal(EDIT("[{\"containerID\":0,\"hostID\":1000,\"size\":1}]", "linux",
                              "uidMappings"), -EINVAL);
        assert_int_equal(EDIT("[{\"containerID\":0,\"hostID\":1000,\"size\":0}]", "linux",
                              "uidMappings"), -EINVAL);
        /* A user namespace joined by path brings its own mappings. */
        assert_int_equal(EDIT("[{\"type\":\"mount\"},{\"type\":\"uts\"},"
                              "{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}]",
                              "linux", "namespaces"), 0);
        assert_string_equal(rt_spec_namespace(s, CLONE_NEWUSER)->path, "/proc/1/ns/user");
        rt_spec_free(s);
        assert_int_equal(EDIT("[{\"type\":\"mount\"},{\"type\":\"uts\"},"
                              "{\"type\":\"user\",\"path\":\"relative\"}]",
                              "linux", "namespaces"), -EINVAL);
}

static void test_seccomp(void **state) {
        struct ctrd_error err = { 0 };
        struct rt_spec *s = NULL;

        assert_int_equal(EDIT("{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                              "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],"
                              "\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],"
                              "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13},"
                              "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ERRNO\","
                              "\"args\":[{\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                              "linux", "seccomp"), 0);
        assert_non_null(s->seccomp);
        assert_int_equal(s->seccomp->default_action, SCMP_ACT_ALLOW);
        assert_int_equal(s->seccomp->n_arches, 2);
        assert_int_equal(s->seccomp->arches[1], SCMP_ARCH_X86);
        assert_int_equal(s->seccomp->n_rules, 2);
        assert_string_equal(s->seccomp->rules[0].names[1], "mkdirat");
        assert_int_equal(s->seccomp->rules[0].action, SCMP_ACT_ERRNO(13));
        assert_int_equal(s->seccomp->rules[1].action, SCMP_ACT_ERRNO(EPERM));
        assert_int_equal(s->seccomp->rules[1].n_args, 1);
        assert_int_equal(s->seccomp->rules[1].args[0].value, 8);
        assert_int_equal(s->seccomp->rules[1].args[0].op, SCMP_CMP_EQ);
        rt_spec_free(s);

        assert_int_equal(EDIT("{\"defaultAction\":\"SCMP_ACT_MAYBE\"}", "linux", "seccomp"),
                         -EINVAL);
        assert_string_equal(err.msg, "linux.seccomp.defaultAction: unknown action 'SCMP_ACT_MAYBE'");
        assert_int_equal(EDIT("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":"
                              "[{\"names\":[\"x\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":"
                              "[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                              "linux", "seccomp"), -ERANGE);
        assert_int_equal(EDIT("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":"
                              "[\"SECCOMP_FILTER_FLAG_LOG\"]}", "linux", "seccomp"), -EOPNOTSUPP);
}

static void test_not_json(void **state) {
        struct ctrd_error err = { 0 };
        struct rt_spec *s = NULL;
        assert_int_equal(rt_spec_parse("{", "/b", &s, &err), -EINVAL);
        assert_true(strncmp(err.msg, "config.json:", 12) == 0);
        assert_int_equal(rt_spec_parse("[]", "/b", &s, &err), -EINVAL);
        assert_int_equal(rt_spec_parse("{\"a\":1,\"a\":2}", "/b", &s, &err), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_base_parses),
                cmocka_unit_test(test_wrong_types_name_the_field),
                cmocka_unit_test(test_unsupported_and_unknown),
                cmocka_unit_test(test_namespace_rules),
                cmocka_unit_test(test_seccomp),
                cmocka_unit_test(test_not_json),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
