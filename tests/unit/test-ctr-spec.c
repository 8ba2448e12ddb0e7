/*
 * Unit tests for daemon/ctr-spec*.c: create bodies (as the docker CLI and
 * docker-py send them) -> config.json, each checked field by field and then
 * fed to ctrd-shim's own parser (shim/runtime/spec.c) so the two sides of
 * the bundle contract cannot drift apart.
 */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <linux/capability.h>

#include "ctr-bodies.h"
#include "daemon/ctr-caps.h"
#include "daemon/ctr-config.h"
#include "daemon/ctr-mounts.h"
#include "daemon/ctr-spec.h"
#include "shim/runtime/spec.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char tmp[64], rootfs[128], volumes[128], bindsrc[128], etc_hosts[128];

static void write_file(const char *dir, const char *name, const char *text) {
        char path[256];
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

static int setup(void **state) {
        char path[256];
        (void) state;
        snprintf(tmp, sizeof(tmp), "/tmp/ctr-spec-XXXXXX");
        assert_non_null(mkdtemp(tmp));
        snprintf(rootfs, sizeof(rootfs), "%s/rootfs", tmp);
        snprintf(volumes, sizeof(volumes), "%s/volumes", tmp);
        snprintf(bindsrc, sizeof(bindsrc), "%s/vol", tmp);
        snprintf(etc_hosts, sizeof(etc_hosts), "%s/hosts", tmp);
        assert_int_equal(mkdir(rootfs, 0755), 0);
        snprintf(path, sizeof(path), "%s/etc", rootfs);
        assert_int_equal(mkdir(path, 0755), 0);
        write_file(path, "passwd",
                   "root:x:0:0:root:/root:/bin/sh\n"
                   "user:x:1000:1000::/home/user:/bin/sh\n"
                   "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
        write_file(path, "group", "root:x:0:\nwheel:x:10:root,user\naudio:x:29:user\n"
                                  "users:x:100:\nnogroup:x:65534:\n");
        write_file(tmp, "hosts", "127.0.0.1 localhost\n");
        return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void) st;
        (void) flag;
        (void) ftw;
        return remove(path);
}

static int teardown(void **state) {
        (void) state;
        return nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static json_t *load(const char *text) {
        json_error_t jerr;
        json_t *j = json_loads(text, 0, &jerr);
        if (!j)
                fail_msg("bad test JSON: %s: %s", jerr.text, text);
        return j;
}

/* body (with "@VOL@" standing for a scratch bind source) -> spec, which the shim must accept. */
static json_t *build_in(const char *body, const char *image, const struct ctr_spec_input *in,
                        struct rt_spec **ret_rt) {
        struct ctrd_error err = { 0 };
        json_t *config = NULL, *host = NULL, *spec = NULL;
        char *text = strdup(body), *at;

        while ((at = strstr(text, "@VOL@"))) {
                char *next;
                *at = '\0';
                assert_true(asprintf(&next, "%s%s%s", text, bindsrc, at + 5) > 0);
                free(text);
                text = next;
        }
        json_t *b = load(text);
        json_t *img = image ? load(image) : NULL;
        if (ctr_config_validate(b, &config, &host, &err) < 0)
                fail_msg("validate: %s", err.msg);
        if (ctr_config_merge_image(config, img, &err) < 0)
                fail_msg("merge: %s", err.msg);
        if (ctr_spec_build(config, host, in, &spec, &err) < 0)
                fail_msg("build: %s", err.msg);
        char *dumped = json_dumps(spec, JSON_COMPACT);
        struct rt_spec *rt = NULL;
        if (rt_spec_parse(dumped, "/bundle", &rt, &err) < 0)
                fail_msg("the shim rejects the spec: %s\n%s", err.msg, dumped);
        if (ret_rt)
                *ret_rt = rt;
        else
                rt_spec_free(rt);
        free(dumped);
        free(text);
        json_decref(b);
        json_decref(img);
        json_decref(config);
        json_decref(host);
        return spec;
}

static struct ctr_spec_input input(void) {
        return (struct ctr_spec_input) {
                .id = ID, .rootfs = rootfs, .cgroups_path = "/ctrd/" ID,
                .hosts_path = etc_hosts, .hostname_path = etc_hosts, .resolv_path = etc_hosts,
                .volumes_root = volumes,
        };
}

static json_t *build(const char *body, const char *image, struct rt_spec **ret_rt) {
        struct ctr_spec_input in = input();
        return build_in(body, image, &in, ret_rt);
}

static void assert_json(json_t *v, const char *want) {
        json_t *w = json_loads(want, JSON_DECODE_ANY, NULL);
        assert_non_null(w);
        if (!json_equal(v, w)) {
                char *got = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
                fail_msg("got %s\nwant %s", got, want);
        }
        json_decref(w);
}

static json_t *path(json_t *spec, const char *dotted) {
        char buf[256], *save = NULL;
        snprintf(buf, sizeof(buf), "%s", dotted);
        for (char *k = strtok_r(buf, ".", &save); k && spec; k = strtok_r(NULL, ".", &save))
                spec = json_object_get(spec, k);
        return spec;
}

static bool has_str(json_t *list, const char *s) {
        size_t i;
        json_t *v;
        json_array_foreach(list, i, v)
                if (strcmp(json_string_value(v), s) == 0)
                        return true;
        return false;
}

static json_t *mount_at(json_t *spec, const char *dst) {
        size_t i;
        json_t *m;
        json_array_foreach(json_object_get(spec, "mounts"), i, m)
                if (strcmp(json_string_value(json_object_get(m, "destination")), dst) == 0)
                        return m;
        return NULL;
}

static bool has_ns(json_t *spec, const char *type) {
        size_t i;
        json_t *n;
        json_array_foreach(path(spec, "linux.namespaces"), i, n)
                if (strcmp(json_string_value(json_object_get(n, "type")), type) == 0)
                        return true;
        return false;
}

static void test_cli_flags(void **state) {
        struct rt_spec *rt;
        char *body = strdup(body_cli_flags);
        (void) state;
        /* The traced body binds /srv/demo/vol; point it at a scratch directory. */
        char *src = strstr(body, "/srv/demo/vol");
        assert_non_null(src);
        memcpy(src, "@VOL@", 5);
        memmove(src + 5, src + 13, strlen(src + 13) + 1);
        json_t *s = build(body, "{\"Env\":[\"PATH=/usr/bin:/bin\"],\"Cmd\":[\"/bin/sh\"]}", &rt);

        assert_json(path(s, "ociVersion"), "\"1.0.2\"");
        assert_json(path(s, "hostname"), "\"h\"");
        assert_json(path(s, "process.cwd"), "\"/tmp\"");
        assert_json(path(s, "process.terminal"), "false");
        assert_json(path(s, "process.args"),
                    "[\"/bin/sh\",\"-c\",\"id; hostname; pwd; echo A=$A; cat "
                    "/sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max "
                    "/sys/fs/cgroup/cpu/cpu.cfs_quota_us; ls /data\"]");
        /* The image's PATH replaces the default; HOME comes from the user's passwd entry. */
        assert_json(path(s, "process.env"),
                    "[\"PATH=/usr/bin:/bin\",\"HOSTNAME=h\",\"A=B\",\"HOME=/home/user\"]");
        assert_json(path(s, "process.user"), "{\"uid\":1000,\"gid\":1000,\"additionalGids\":[1000,10,29]}");
        assert_json(path(s, "process.noNewPrivileges"), "false");
        assert_json(path(s, "process.oomScoreAdj"), "0");
        assert_json(path(s, "root.readonly"), "false");
        assert_string_equal(json_string_value(path(s, "root.path")), rootfs);
        assert_json(path(s, "linux.resources.memory"), "{\"limit\":33554432,\"swap\":67108864}");
        assert_json(path(s, "linux.resources.cpu"), "{\"period\":100000,\"quota\":50000}");
        assert_json(path(s, "linux.resources.pids"), "{\"limit\":20}");
        assert_json(path(s, "linux.cgroupsPath"), "\"/ctrd/" ID "\"");
        assert_non_null(path(s, "linux.seccomp"));
        /* NetworkMode none: a new, empty network namespace. */
        assert_json(path(s, "linux.namespaces"),
                    "[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},"
                    "{\"type\":\"uts\"},{\"type\":\"mount\"},{\"type\":\"cgroup\"}]");
        json_t *data = mount_at(s, "/data");
        assert_non_null(data);
        assert_string_equal(json_string_value(json_object_get(data, "source")), bindsrc);
        assert_json(json_object_get(data, "options"), "[\"rbind\",\"rprivate\",\"rw\"]");
        /* The bind source was created, as Docker creates a missing -v source. */
        struct stat st;
        assert_int_equal(stat(bindsrc, &st), 0);

        /* What the shim understood. */
        assert_int_equal(rt->uid, 1000);
        assert_int_equal(rt->gid, 1000);
        assert_int_equal(rt->n_additional_gids, 3);
        assert_int_equal(rt->resources.memory_limit, 33554432);
        assert_int_equal(rt->resources.cpu_quota, 50000);
        assert_int_equal(rt->resources.cpu_period, 100000);
        assert_int_equal(rt->resources.pids_limit, 20);
        assert_non_null(rt->seccomp);
        assert_int_equal(rt->caps[RT_CAP_BOUNDING], ctr_caps_default() & rt->caps[RT_CAP_BOUNDING]);
        assert_string_equal(rt->hostname, "h");
        rt_spec_free(rt);
        json_decref(s);
        free(body);
}

static const char *const default_mounts[] = {
        "/proc", "/dev", "/dev/pts", "/sys", "/sys/fs/cgroup", "/dev/mqueue", "/dev/shm",
};

static void test_cli_rm(void **state) {
        struct rt_spec *rt;
        (void) state;
        json_t *s = build(body_cli_rm, "{\"Cmd\":[\"/bin/sh\"]}", &rt);

        assert_json(path(s, "hostname"), "\"0123456789ab\"");
        assert_json(path(s, "process.args"), "[\"echo\",\"hi\"]");
        assert_json(path(s, "process.env"),
                    "[\"PATH=" CTR_DEFAULT_PATH "\",\"HOSTNAME=0123456789ab\",\"HOME=/root\"]");
        assert_json(path(s, "process.user"), "{\"uid\":0,\"gid\":0,\"additionalGids\":[0,10]}");
        assert_json(path(s, "process.cwd"), "\"/\"");
        assert_json(path(s, "process.rlimits"), "[]");
        /* Docker's default set, in capability-number order. */
        assert_json(path(s, "process.capabilities.bounding"),
                    "[\"CAP_CHOWN\",\"CAP_DAC_OVERRIDE\",\"CAP_FOWNER\",\"CAP_FSETID\","
                    "\"CAP_KILL\",\"CAP_SETGID\",\"CAP_SETUID\",\"CAP_SETPCAP\","
                    "\"CAP_NET_BIND_SERVICE\",\"CAP_NET_RAW\",\"CAP_SYS_CHROOT\",\"CAP_MKNOD\","
                    "\"CAP_AUDIT_WRITE\",\"CAP_SETFCAP\"]");
        char *bounding = json_dumps(path(s, "process.capabilities.bounding"), JSON_COMPACT);
        assert_json(path(s, "process.capabilities.effective"), bounding);
        assert_json(path(s, "process.capabilities.permitted"), bounding);
        free(bounding);
        assert_null(path(s, "process.capabilities.inheritable"));
        assert_null(path(s, "process.capabilities.ambient"));
        assert_null(path(s, "linux.resources.memory"));
        assert_null(path(s, "linux.resources.pids"));
        /* Docker's mounts in Docker's order, then the /etc files ctrd wrote. */
        json_t *mounts = json_object_get(s, "mounts");
        assert_int_equal(json_array_size(mounts), 10);
        for (size_t i = 0; i < 7; i++)
                assert_string_equal(
                        json_string_value(json_object_get(json_array_get(mounts, i), "destination")),
                        default_mounts[i]);
        assert_json(json_object_get(mount_at(s, "/sys"), "options"),
                    "[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]");
        assert_json(json_object_get(mount_at(s, "/dev/shm"), "options"),
                    "[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size=67108864\"]");
        assert_json(json_object_get(mount_at(s, "/etc/hosts"), "options"), "[\"rbind\",\"rprivate\"]");
        assert_non_null(mount_at(s, "/etc/resolv.conf"));
        assert_non_null(mount_at(s, "/etc/hostname"));
        assert_int_equal(json_array_size(path(s, "linux.maskedPaths")), 11);
        assert_true(has_str(path(s, "linux.maskedPaths"), "/proc/kcore"));
        assert_true(has_str(path(s, "linux.readonlyPaths"), "/proc/sys"));
        /* Device cgroup: deny everything, then a minimal /dev. */
        json_t *devs = path(s, "linux.resources.devices");
        assert_json(json_array_get(devs, 0), "{\"allow\":false,\"access\":\"rwm\"}");
        assert_json(json_array_get(devs, 3),
                    "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"}");
        assert_null(path(s, "linux.devices"));
        assert_int_equal(rt->caps[RT_CAP_EFFECTIVE], ctr_caps_default());
        assert_int_equal(rt->n_mounts, 10);
        rt_spec_free(rt);
        json_decref(s);
}

static void test_sdk_minimal(void **state) {
        (void) state;
        json_t *s = build(body_sdk_py5, NULL, NULL);
        assert_json(path(s, "process.args"), "[\"sh\",\"-c\",\"echo out; echo err >&2\"]");
        assert_true(has_ns(s, "network"));
        json_decref(s);
}

static uint64_t bits(json_t *names) {
        uint64_t set = 0;
        size_t i;
        json_t *v;
        json_array_foreach(names, i, v)
                set |= UINT64_C(1) << ctr_cap_from_name(json_string_value(v));
        return set;
}

#define CAP(x) (UINT64_C(1) << CAP_##x)

static void test_caps(void **state) {
        static const struct {
                const char *host;
                uint64_t add, drop;     /* relative to the default set */
                bool only;              /* the set is exactly add */
        } cases[] = {
                { "\"CapAdd\":[\"NET_ADMIN\"],\"CapDrop\":[\"mknod\"]", CAP(NET_ADMIN), CAP(MKNOD), false },
                { "\"CapDrop\":[\"ALL\"],\"CapAdd\":[\"CAP_CHOWN\"]", CAP(CHOWN), 0, true },
                { "\"CapDrop\":[\"ALL\"]", 0, 0, true },
                { "\"CapAdd\":[\"SYS_PTRACE\"],\"CapDrop\":[\"SYS_PTRACE\"]", CAP(SYS_PTRACE), 0, false },
        };
        uint64_t host_caps;
        (void) state;
        assert_int_equal(ctr_caps_bounding(&host_caps, NULL), 0);
        for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
                char body[512];
                snprintf(body, sizeof(body),
                         "{\"Image\":\"bb\",\"Cmd\":[\"x\"],\"HostConfig\":{%s}}", cases[i].host);
                struct rt_spec *rt;
                json_t *s = build(body, NULL, &rt);
                uint64_t want = cases[i].only ? cases[i].add
                                              : (ctr_caps_default() & ~cases[i].drop) | cases[i].add;
                want &= host_caps;
                assert_int_equal(bits(path(s, "process.capabilities.bounding")), want);
                assert_int_equal(rt->caps[RT_CAP_PERMITTED], want);
                rt_spec_free(rt);
                json_decref(s);
        }
        /* ALL: every capability the daemon has (never more than the bounding set). */
        json_t *s = build("{\"Image\":\"bb\",\"Cmd\":[\"x\"],\"HostConfig\":{\"CapAdd\":[\"ALL\"]}}",
                          NULL, NULL);
        assert_int_equal(bits(path(s, "process.capabilities.bounding")),
                         host_caps & ctr_caps_known());
        json_decref(s);
}

static void test_privileged(void **state) {
        struct rt_spec *rt;
        uint64_t host_caps;
        (void) state;
        json_t *s = build("{\"Image\":\"bb\",\"Cmd\":[\"x\"],\"HostConfig\":{\"Privileged\":true}}",
                          NULL, &rt);
        assert_int_equal(ctr_caps_bounding(&host_caps, NULL), 0);
        /* Every capability this process has, read from its bounding set, not a fixed list. */
        assert_int_equal(bits(path(s, "process.capabilities.bounding")), host_caps & ctr_caps_known());
        assert_null(path(s, "linux.seccomp"));
        assert_null(path(s, "linux.maskedPaths"));
        assert_null(path(s, "linux.readonlyPaths"));
        assert_json(json_object_get(mount_at(s, "/sys"), "options"),
                    "[\"nosuid\",\"noexec\",\"nodev\",\"rw\"]");
        assert_json(path(s, "linux.resources.devices"), "[{\"allow\":true,\"access\":\"rwm\"}]");
        /* The host's devices: /dev/null at least, never the console or ptmx. */
        json_t *devs = path(s, "linux.devices"), *d;
        size_t i;
        bool null_seen = false;
        json_array_foreach(devs, i, d) {
                const char *p = json_string_value(json_object_get(d, "path"));
                assert_true(strcmp(p, "/dev/console") && strcmp(p, "/dev/ptmx"));
                assert_true(strncmp(p, "/dev/pts/", 9) != 0);
                if (strcmp(p, "/dev/null") == 0) {
                        null_seen = true;
                        assert_json(json_object_get(d, "major"), "1");
                        assert_json(json_object_get(d, "minor"), "3");
                }
        }
        assert_true(null_seen);
        assert_null(rt->seccomp);
        assert_int_equal(rt->n_devices, json_array_size(devs));
        rt_spec_free(rt);
        json_decref(s);
}

static void test_security_opts(void **state) {
        struct rt_spec *rt;
        (void) state;
        json_t *s = build("{\"Image\":\"bb\",\"Cmd\":[\"x\"],\"HostConfig\":{\"SecurityOpt\":"
                          "[\"no-new-privileges:true\",\"seccomp=unconfined\"]}}", NULL, &rt);
        assert_json(path(s, "process.noNewPrivileges"), "true");
        assert_null(path(s, "linux.seccomp"));
        assert_true(rt->no_new_privileges);
        rt_spec_free(rt);
        json_decref(s);

        /* A profile in Docker's format, inlined as the CLI does. */
        s = build("{\"Image\":\"bb\",\"Cmd\":[\"x\"],\"HostConfig\":{\"SecurityOpt\":["
                  "\"seccomp={\\\"defaultAction\\\":\\\"SCMP_ACT_ALLOW\\\",\\\"syscalls\\\":["
                  "{\\\"names\\\":[\\\"mkdir\\\"],\\\"action\\\":\\\"SCMP_ACT_ERRNO\\\"}]}\"]}}",
                  NULL, &rt);
        assert_json(path(s, "linux.seccomp.defaultAction"), "\"SCMP_ACT_ALLOW\"");
        assert_json(path(s, "linux.seccomp.syscalls"),
                    "[{\"action\":\"SCMP_ACT_ERRNO\",\"names\":[\"mkdir\"]}]");
        assert_int_equal(rt->seccomp->n_rules, 1);
        rt_spec_free(rt);
        json_decref(s);
}

static void test_mounts(void **state) {
        struct rt_spec *rt;
        char want[256];
        (void) state;
        assert_int_equal(mkdir(bindsrc, 0755) == 0 || errno == EEXIST, 1);
        write_file(bindsrc, "file", "x\n");
        json_t *s = build(
                "{\"Image\":\"bb\",\"Cmd\":[\"x\"],\"Volumes\":{\"/anon\":{},\"/data\":{}},"
                "\"HostConfig\":{\"ReadonlyRootfs\":true,\"ShmSize\":134217728,"
                "\"Binds\":[\"@VOL@:/data/sub:ro,rslave\",\"named:/data\","
                "\"@VOL@/file:/etc/file:ro\"],"
                "\"Tmpfs\":{\"/run\":\"size=64k,exec\",\"/etc/hosts\":\"\"},"
                "\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"@VOL@\",\"Target\":\"/m\","
                "\"ReadOnly\":true,\"BindOptions\":{\"NonRecursive\":true}},"
                "{\"Type\":\"tmpfs\",\"Target\":\"/t\",\"TmpfsOptions\":{\"SizeBytes\":1048576,"
                "\"Mode\":448}}]}}",
                NULL, &rt);
        assert_json(path(s, "root.readonly"), "true");
        assert_json(json_object_get(mount_at(s, "/dev/shm"), "options"),
                    "[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size=134217728\"]");
        json_t *sub = mount_at(s, "/data/sub");
        assert_json(json_object_get(sub, "options"), "[\"rbind\",\"rslave\",\"ro\"]");
        assert_json(json_object_get(mount_at(s, "/m"), "options"), "[\"bind\",\"rprivate\",\"ro\"]");
        assert_json(json_object_get(mount_at(s, "/run"), "options"),
                    "[\"nosuid\",\"nodev\",\"rw\",\"size=64k\"]");
        assert_json(json_object_get(mount_at(s, "/t"), "options"),
                    "[\"nosuid\",\"nodev\",\"rw\",\"noexec\",\"size=1048576\",\"mode=700\"]");
        /* A user mount at /etc/hosts replaces ctrd's file. */
        assert_json(json_object_get(mount_at(s, "/etc/hosts"), "type"), "\"tmpfs\"");
        /* Named volume under volumes_root; the anonymous one from Config.Volumes too. */
        snprintf(want, sizeof(want), "%s/named/_data", volumes);
        assert_string_equal(json_string_value(json_object_get(mount_at(s, "/data"), "source")), want);
        char anon[65];
        assert_int_equal(ctr_spec_anonymous_volume(ID, "/anon", anon), 0);
        snprintf(want, sizeof(want), "%s/%s/_data", volumes, anon);
        assert_string_equal(json_string_value(json_object_get(mount_at(s, "/anon"), "source")), want);
        struct stat st;
        assert_int_equal(stat(want, &st), 0);
        /* Parents before children: /data before /data/sub. */
        size_t i, at_data = 0, at_sub = 0;
        json_t *m;
        json_array_foreach(json_object_get(s, "mounts"), i, m) {
                const char *d = json_string_value(json_object_get(m, "destination"));
                if (strcmp(d, "/data") == 0)
                        at_data = i;
                if (strcmp(d, "/data/sub") == 0)
                        at_sub = i;
        }
        assert_true(at_data < at_sub);
        assert_true(rt->root_readonly);
        /* An existing file as a bind source stays a file. */
        assert_int_equal(stat(json_string_value(json_object_get(mount_at(s, "/etc/file"),
                                                                "source")), &st), 0);
        assert_true(S_ISREG(st.st_mode));
        rt_spec_free(rt);
        json_decref(s);
}

static void test_env_and_tty(void **state) {
        (void) state;
        json_t *s = build("{\"Image\":\"bb\",\"Cmd\":[\"x\"],\"Tty\":true,\"Hostname\":\"web\","
                          "\"Env\":[\"HOSTNAME=other\",\"TERM\",\"HOME=/h\",\"X=1=2\"],"
                          "\"WorkingDir\":\"/w\",\"User\":\"user:audio\"}",
                          "{\"Env\":[\"PATH=/p\",\"DROP\"]}", NULL);
        assert_json(path(s, "process.terminal"), "true");
        /* TERM=xterm for a TTY, removed again by the bare "TERM"; "DROP" from the image is a
         * removal of nothing. */
        assert_json(path(s, "process.env"),
                    "[\"PATH=/p\",\"HOSTNAME=other\",\"HOME=/h\",\"X=1=2\"]");
        assert_json(path(s, "process.cwd"), "\"/w\"");
        /* An explicit group: that gid, no other supplementary groups. */
        assert_json(path(s, "process.user"), "{\"uid\":1000,\"gid\":29,\"additionalGids\":[29]}");
        assert_json(path(s, "hostname"), "\"web\"");
        json_decref(s);
}

static void test_namespaces(void **state) {
        struct ctr_spec_input in = input();
        (void) state;
        in.host_network = true;
        json_t *s = build_in("{\"Image\":\"bb\",\"Cmd\":[\"x\"],\"HostConfig\":{\"PidMode\":\"host\","
                             "\"UTSMode\":\"host\",\"CgroupnsMode\":\"host\"}}", NULL, &in, NULL);
        assert_json(path(s, "linux.namespaces"), "[{\"type\":\"ipc\"},{\"type\":\"mount\"}]");
        assert_null(path(s, "hostname"));
        /* Sharing the host's namespaces, HOSTNAME is the host's name, as in Docker. */
        char host_name[256], want[300];
        assert_int_equal(gethostname(host_name, sizeof(host_name)), 0);
        snprintf(want, sizeof(want), "HOSTNAME=%s", host_name);
        assert_string_equal(json_string_value(json_array_get(path(s, "process.env"), 1)), want);
        json_decref(s);

        in = input();
        in.netns_path = "/run/netns/ctrd-x";
        s = build_in("{\"Image\":\"bb\",\"Cmd\":[\"x\"]}", NULL, &in, NULL);
        assert_json(json_array_get(path(s, "linux.namespaces"), 1),
                    "{\"type\":\"network\",\"path\":\"/run/netns/ctrd-x\"}");
        json_decref(s);
}

static void test_limits(void **state) {
        struct rt_spec *rt;
        (void) state;
        json_t *s = build("{\"Image\":\"bb\",\"Cmd\":[\"x\"],\"HostConfig\":{\"Memory\":16777216,"
                          "\"MemoryReservation\":8388608,\"MemorySwap\":-1,\"CpuShares\":1,"
                          "\"CpuQuota\":20000,\"CpuPeriod\":50000,\"CpusetCpus\":\"0\","
                          "\"CpusetMems\":\"0\",\"PidsLimit\":64,\"OomScoreAdj\":500,"
                          "\"Ulimits\":[{\"Name\":\"nofile\",\"Soft\":1024,\"Hard\":2048}],"
                          "\"Sysctls\":{\"net.ipv4.ip_forward\":\"1\"}}}",
                          NULL, &rt);
        assert_json(path(s, "linux.resources.memory"),
                    "{\"limit\":16777216,\"reservation\":8388608,\"swap\":-1}");
        /* cpu.shares below the kernel's minimum is raised to 2, as Docker does. */
        assert_json(path(s, "linux.resources.cpu"),
                    "{\"shares\":2,\"period\":50000,\"quota\":20000,\"cpus\":\"0\",\"mems\":\"0\"}");
        assert_json(path(s, "linux.resources.pids"), "{\"limit\":64}");
        assert_json(path(s, "process.oomScoreAdj"), "500");
        assert_json(path(s, "process.rlimits"),
                    "[{\"type\":\"RLIMIT_NOFILE\",\"hard\":2048,\"soft\":1024}]");
        assert_json(path(s, "linux.sysctl"), "{\"net.ipv4.ip_forward\":\"1\"}");
        assert_int_equal(rt->n_rlimits, 1);
        assert_int_equal(rt->oom_score_adj, 500);
        assert_int_equal(rt->resources.memory_swap, -1);
        rt_spec_free(rt);
        json_decref(s);
}

struct bad_user {
        const char *user, *group_add, *msg;
};

static void test_user_errors(void **state) {
        static const struct bad_user cases[] = {
                { "nosuch", "null", "unable to find user nosuch: no matching entries in passwd file" },
                { "1000:nosuchgroup", "null",
                  "unable to find group nosuchgroup: no matching entries in group file" },
                { "", "[\"nosuchgroup\"]",
                  "unable to find group nosuchgroup: no matching entries in group file" },
        };
        struct ctr_spec_input in = input();
        (void) state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
                char body[256];
                struct ctrd_error err = { 0 };
                json_t *c, *h, *spec = NULL;
                snprintf(body, sizeof(body),
                         "{\"Image\":\"bb\",\"Cmd\":[\"x\"],\"User\":\"%s\",\"HostConfig\":"
                         "{\"GroupAdd\":%s}}", cases[i].user, cases[i].group_add);
                json_t *b = load(body);
                assert_int_equal(ctr_config_validate(b, &c, &h, &err), 0);
                assert_int_equal(ctr_spec_build(c, h, &in, &spec, &err), -EINVAL);
                assert_null(spec);
                assert_string_equal(err.msg, cases[i].msg);
                json_decref(b);
                json_decref(c);
                json_decref(h);
        }
        /* Numeric users need no entry; GroupAdd takes names and numbers. */
        json_t *s = build("{\"Image\":\"bb\",\"Cmd\":[\"x\"],\"User\":\"4242\",\"HostConfig\":"
                          "{\"GroupAdd\":[\"users\",\"777\",\"users\"]}}", NULL, NULL);
        assert_json(path(s, "process.user"), "{\"uid\":4242,\"gid\":0,\"additionalGids\":[0,100,777]}");
        json_decref(s);
}

static void test_volumes_unavailable(void **state) {
        struct ctr_spec_input in = input();
        struct ctrd_error err = { 0 };
        json_t *c, *h, *spec = NULL;
        (void) state;
        in.volumes_root = NULL;
        json_t *b = load("{\"Image\":\"bb\",\"Cmd\":[\"x\"],\"Volumes\":{\"/v\":{}}}");
        assert_int_equal(ctr_config_validate(b, &c, &h, &err), 0);
        assert_int_equal(ctr_spec_build(c, h, &in, &spec, &err), -EINVAL);
        assert_string_equal(err.msg, "volume at /v: volumes are not available");
        json_decref(b);
        json_decref(c);
        json_decref(h);
}

static json_t *inspect_mounts(const char *body) {
        struct ctrd_error err = { 0 };
        json_t *b = load(body), *c, *h, *list = NULL;
        if (ctr_config_validate(b, &c, &h, &err) < 0 ||
            ctr_mounts_inspect(c, h, ID, "/var/lib/ctrd/volumes", &list, &err) < 0)
                fail_msg("%s", err.msg);
        json_decref(b);
        json_decref(c);
        json_decref(h);
        return list;
}

static void test_inspect_mounts(void **state) {
        (void) state;
        /* The traced `docker run -v /srv/demo/vol:/data` and what dockerd's inspect showed. */
        json_t *l = inspect_mounts(body_cli_flags);
        assert_json(l, "[{\"Type\":\"bind\",\"Source\":\"/srv/demo/vol\",\"Destination\":\"/data\","
                       "\"Mode\":\"\",\"RW\":true,\"Propagation\":\"rprivate\"}]");
        json_decref(l);
        l = inspect_mounts("{\"Image\":\"bb\",\"Volumes\":{\"/anon\":{}},\"HostConfig\":{"
                           "\"Binds\":[\"/h:/b:ro,rslave\",\"named:/n\"],\"Tmpfs\":{\"/t\":\"\"},"
                           "\"Mounts\":[{\"Type\":\"tmpfs\",\"Target\":\"/m\"}]}}");
        char anon[65], want[2048];
        assert_int_equal(ctr_spec_anonymous_volume(ID, "/anon", anon), 0);
        snprintf(want, sizeof(want),
                 "[{\"Type\":\"bind\",\"Source\":\"/h\",\"Destination\":\"/b\",\"Mode\":\"ro,rslave\","
                 "\"RW\":false,\"Propagation\":\"rslave\"},"
                 "{\"Type\":\"volume\",\"Name\":\"named\",\"Source\":\"/var/lib/ctrd/volumes/named/_data\","
                 "\"Destination\":\"/n\",\"Driver\":\"local\",\"Mode\":\"\",\"RW\":true,\"Propagation\":\"\"},"
                 "{\"Type\":\"tmpfs\",\"Source\":\"\",\"Destination\":\"/m\",\"Mode\":\"\",\"RW\":true,"
                 "\"Propagation\":\"\"},"
                 "{\"Type\":\"volume\",\"Name\":\"%s\",\"Source\":\"/var/lib/ctrd/volumes/%s/_data\","
                 "\"Destination\":\"/anon\",\"Driver\":\"local\",\"Mode\":\"\",\"RW\":true,"
                 "\"Propagation\":\"\"}]", anon, anon);
        assert_json(l, want);
        json_decref(l);
}

/*
 * Every field of the CLI's full body set to each JSON type in turn: validation either fails
 * with a message or yields a config whose spec the shim accepts (or a start error with a
 * message). Nothing crashes, nothing is accepted half-way.
 */
static size_t tried, built;

static void try_body(json_t *body, const char *what) {
        struct ctr_spec_input in = input();
        struct ctrd_error err = { 0 };
        json_t *c = NULL, *h = NULL, *spec = NULL;

        tried++;
        int r = ctr_config_validate(body, &c, &h, &err);
        if (r < 0) {
                if (r != -EINVAL || !err.msg[0])
                        fail_msg("%s: validate gave %d '%s'", what, r, err.msg);
                return;
        }
        r = ctr_config_merge_image(c, NULL, &err);
        if (r == 0)
                r = ctr_spec_build(c, h, &in, &spec, &err);
        if (r < 0 && (r != -EINVAL || !err.msg[0]))
                fail_msg("%s: build gave %d '%s'", what, r, err.msg);
        if (r == 0) {
                char *text = json_dumps(spec, JSON_COMPACT);
                struct rt_spec *rt = NULL;
                if (rt_spec_parse(text, "/bundle", &rt, &err) < 0)
                        fail_msg("%s: the shim rejects the spec: %s", what, err.msg);
                built++;
                rt_spec_free(rt);
                free(text);
        }
        json_decref(spec);
        json_decref(c);
        json_decref(h);
}

static void mutate_fields(json_t *body, json_t *obj, const char *prefix) {
        static const char *const values[] = { "null", "1", "-1", "1.5", "\"x\"", "\"\"", "true",
                                              "[]", "[\"/x\"]", "{}", "{\"a\":\"b\"}" };
        const char *key;
        json_t *orig;
        void *iter;

        json_object_foreach_safe(obj, iter, key, orig) {
                json_t *saved = json_incref(orig);
                for (size_t i = 0; i < sizeof(values) / sizeof(*values); i++) {
                        char what[256];
                        snprintf(what, sizeof(what), "%s%s=%s", prefix, key, values[i]);
                        json_object_set_new(obj, key, json_loads(values[i], JSON_DECODE_ANY, NULL));
                        try_body(body, what);
                }
                json_object_set_new(obj, key, saved);
                /* And one level down: the fields of structs and of lists of structs. */
                char sub[256];
                snprintf(sub, sizeof(sub), "%s%s.", prefix, key);
                if (json_is_object(saved) && json_object_size(saved) > 0)
                        mutate_fields(body, saved, sub);
                size_t i;
                json_t *e;
                json_array_foreach(saved, i, e)
                        if (json_is_object(e))
                                mutate_fields(body, e, sub);
        }
}

static void test_mutations(void **state) {
        /* The traced bind source, moved into the test's scratch directory. */
        const char *src = strstr(body_cli_flags, "/srv/demo/vol");
        char *text;
        (void) state;
        assert_true(asprintf(&text, "%.*s%s%s", (int) (src - body_cli_flags), body_cli_flags,
                             bindsrc, src + strlen("/srv/demo/vol")) > 0);
        json_t *body = load(text);
        json_t *host = json_object_get(body, "HostConfig");
        json_incref(host);
        json_object_del(body, "HostConfig");
        mutate_fields(body, body, "");
        json_object_set_new(body, "HostConfig", host);
        mutate_fields(body, host, "HostConfig.");
        json_decref(body);
        free(text);

        /* A body with the nested structs the CLI's run leaves empty. */
        assert_true(asprintf(&text,
                "{\"Image\":\"bb\",\"Cmd\":[\"x\"],\"Healthcheck\":{\"Test\":[\"NONE\"]},"
                "\"HostConfig\":{\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"%s\",\"Target\":\"/b\","
                "\"BindOptions\":{\"Propagation\":\"rslave\"}},{\"Type\":\"tmpfs\",\"Target\":\"/t\","
                "\"TmpfsOptions\":{\"SizeBytes\":4096,\"Mode\":448}},{\"Type\":\"volume\","
                "\"Target\":\"/v\",\"VolumeOptions\":{\"DriverConfig\":{\"Name\":\"local\"}}}],"
                "\"Ulimits\":[{\"Name\":\"nofile\",\"Soft\":10,\"Hard\":20}],"
                "\"RestartPolicy\":{\"Name\":\"on-failure\",\"MaximumRetryCount\":1},"
                "\"LogConfig\":{\"Type\":\"json-file\",\"Config\":{\"max-size\":\"1m\"}},"
                "\"Tmpfs\":{\"/run\":\"size=1m\"},\"Sysctls\":{\"net.ipv4.ip_forward\":\"1\"},"
                "\"SecurityOpt\":[\"no-new-privileges\"],\"GroupAdd\":[\"users\"]}}",
                bindsrc) > 0);
        body = load(text);
        try_body(body, "nested body");
        mutate_fields(body, body, "");
        json_decref(body);
        free(text);
        /* Both outcomes happened many times: the loop really ran through the fields. */
        print_message("# %zu bodies, %zu specs built\n", tried, built);
        assert_true(tried > 1000 && built > 200);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cli_flags),
                cmocka_unit_test(test_cli_rm),
                cmocka_unit_test(test_sdk_minimal),
                cmocka_unit_test(test_caps),
                cmocka_unit_test(test_privileged),
                cmocka_unit_test(test_security_opts),
                cmocka_unit_test(test_mounts),
                cmocka_unit_test(test_env_and_tty),
                cmocka_unit_test(test_namespaces),
                cmocka_unit_test(test_limits),
                cmocka_unit_test(test_user_errors),
                cmocka_unit_test(test_volumes_unavailable),
                cmocka_unit_test(test_inspect_mounts),
                cmocka_unit_test(test_mutations),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
