/*
 * Unit tests for daemon/ctr-config*.c: create bodies as real clients send
 * them -> the Config / HostConfig inspect shows; every validation error;
 * the image merge.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/ctr-config.h"
#include "daemon/ctr-policies.h"
#include "ctr-bodies.h"

static json_t *load(const char *text) {
        json_error_t jerr;
        json_t *j = json_loads(text, JSON_DECODE_ANY, &jerr);
        if (!j)
                fail_msg("bad test JSON: %s: %s", jerr.text, text);
        return j;
}

/* Asserts that v serializes exactly as the JSON text want (compact, keys in order). */
static void assert_json(json_t *v, const char *want) {
        json_t *w = load(want);
        char *a = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        char *b = json_dumps(w, JSON_COMPACT | JSON_ENCODE_ANY);
        if (strcmp(a, b) != 0)
                fail_msg("got %s\nwant %s", a, b);
        free(a);
        free(b);
        json_decref(w);
}

static void validate(const char *body, json_t **config, json_t **host) {
        struct ctrd_error err = { 0 };
        json_t *b = load(body);
        if (ctr_config_validate(b, config, host, &err) < 0)
                fail_msg("%s: %s", body, err.msg);
        json_decref(b);
}

static void assert_keys(json_t *obj, const char *const *keys) {
        const char *k;
        json_t *v;
        size_t i = 0;
        json_object_foreach(obj, k, v) {
                if (!keys[i])
                        fail_msg("extra key %s", k);
                if (strcmp(k, keys[i]) != 0)
                        fail_msg("key %zu: got %s, want %s", i, k, keys[i]);
                i++;
        }
        if (keys[i])
                fail_msg("missing key %s", keys[i]);
}

/* The key order of dockerd 20.10's inspect (without "Runtime", which ctrd does not show). */
static const char *const inspect_config_keys[] = {
        "Hostname", "Domainname", "User", "AttachStdin", "AttachStdout", "AttachStderr", "Tty",
        "OpenStdin", "StdinOnce", "Env", "Cmd", "Image", "Volumes", "WorkingDir", "Entrypoint",
        "OnBuild", "Labels", NULL,
};
static const char *const inspect_host_keys[] = {
        "Binds", "ContainerIDFile", "LogConfig", "NetworkMode", "PortBindings", "RestartPolicy",
        "AutoRemove", "VolumeDriver", "VolumesFrom", "CapAdd", "CapDrop", "CgroupnsMode", "Dns",
        "DnsOptions", "DnsSearch", "ExtraHosts", "GroupAdd", "IpcMode", "Cgroup", "Links",
        "OomScoreAdj", "PidMode", "Privileged", "PublishAllPorts", "ReadonlyRootfs",
        "SecurityOpt", "UTSMode", "UsernsMode", "ShmSize", "ConsoleSize", "Isolation",
        "CpuShares", "Memory", "NanoCpus", "CgroupParent", "BlkioWeight", "BlkioWeightDevice",
        "BlkioDeviceReadBps", "BlkioDeviceWriteBps", "BlkioDeviceReadIOps",
        "BlkioDeviceWriteIOps", "CpuPeriod", "CpuQuota", "CpuRealtimePeriod",
        "CpuRealtimeRuntime", "CpusetCpus", "CpusetMems", "Devices", "DeviceCgroupRules",
        "DeviceRequests", "KernelMemory", "KernelMemoryTCP", "MemoryReservation", "MemorySwap",
        "MemorySwappiness", "OomKillDisable", "PidsLimit", "Ulimits", "CpuCount", "CpuPercent",
        "IOMaximumIOps", "IOMaximumBandwidth", "MaskedPaths", "ReadonlyPaths", NULL,
};

static void test_cli_flags(void **state) {
        json_t *c, *h;
        (void) state;
        validate(body_cli_flags, &c, &h);
        assert_keys(c, inspect_config_keys);
        assert_keys(h, inspect_host_keys);
        assert_string_equal(json_string_value(json_object_get(c, "Hostname")), "h");
        assert_string_equal(json_string_value(json_object_get(c, "User")), "1000");
        assert_string_equal(json_string_value(json_object_get(c, "WorkingDir")), "/tmp");
        assert_json(json_object_get(c, "Env"), "[\"A=B\"]");
        assert_json(json_object_get(c, "Entrypoint"), "[\"/bin/sh\"]");
        assert_json(json_object_get(c, "Labels"), "{\"k\":\"v\"}");
        assert_json(json_object_get(h, "Binds"), "[\"/srv/demo/vol:/data\"]");
        assert_json(json_object_get(h, "LogConfig"), "{\"Type\":\"json-file\",\"Config\":{}}");
        assert_json(json_object_get(h, "RestartPolicy"), "{\"Name\":\"no\",\"MaximumRetryCount\":0}");
        assert_json(json_object_get(h, "NetworkMode"), "\"none\"");
        assert_json(json_object_get(h, "Memory"), "33554432");
        /* Docker's default swap: as much again as the memory limit. */
        assert_json(json_object_get(h, "MemorySwap"), "67108864");
        assert_json(json_object_get(h, "MemorySwappiness"), "null");
        assert_json(json_object_get(h, "NanoCpus"), "500000000");
        assert_json(json_object_get(h, "PidsLimit"), "20");
        assert_json(json_object_get(h, "ShmSize"), "67108864");
        assert_json(json_object_get(h, "IpcMode"), "\"private\"");
        assert_json(json_object_get(h, "CgroupnsMode"), "\"private\"");
        assert_json(json_object_get(h, "ConsoleSize"), "[0,0]");
        assert_json(json_object_get(h, "MaskedPaths"),
                    "[\"/proc/asound\",\"/proc/acpi\",\"/proc/kcore\",\"/proc/keys\","
                    "\"/proc/latency_stats\",\"/proc/timer_list\",\"/proc/timer_stats\","
                    "\"/proc/sched_debug\",\"/proc/scsi\",\"/sys/firmware\","
                    "\"/sys/devices/virtual/powercap\"]");
        assert_json(json_object_get(h, "ReadonlyPaths"),
                    "[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sys\","
                    "\"/proc/sysrq-trigger\"]");
        json_decref(c);
        json_decref(h);
}

static void test_cli_rm(void **state) {
        json_t *c, *h;
        (void) state;
        validate(body_cli_rm, &c, &h);
        assert_keys(c, inspect_config_keys);
        assert_json(json_object_get(c, "Cmd"), "[\"echo\",\"hi\"]");
        assert_json(json_object_get(c, "Entrypoint"), "null");
        assert_json(json_object_get(c, "Env"), "null");
        assert_json(json_object_get(h, "AutoRemove"), "true");
        assert_json(json_object_get(h, "NetworkMode"), "\"default\"");
        assert_json(json_object_get(h, "PidsLimit"), "null");
        assert_json(json_object_get(h, "MemorySwap"), "0");
        assert_json(json_object_get(h, "Binds"), "null");
        json_decref(c);
        json_decref(h);
}

static void test_sdk_minimal(void **state) {
        json_t *c, *h;
        (void) state;
        validate(body_sdk_py5, &c, &h);
        assert_keys(c, inspect_config_keys);
        assert_keys(h, inspect_host_keys);
        assert_json(json_object_get(c, "Labels"), "{}");
        assert_json(json_object_get(c, "Volumes"), "null");
        assert_json(json_object_get(c, "Hostname"), "\"\"");
        assert_json(json_object_get(h, "NetworkMode"), "\"none\"");
        assert_json(json_object_get(h, "Dns"), "[]");
        assert_json(json_object_get(h, "Ulimits"), "[]");
        assert_json(json_object_get(h, "PortBindings"), "{}");
        assert_json(json_object_get(h, "CapAdd"), "null");
        assert_json(json_object_get(h, "LogConfig"), "{\"Type\":\"json-file\",\"Config\":{}}");
        assert_json(json_object_get(h, "RestartPolicy"), "{\"Name\":\"no\",\"MaximumRetryCount\":0}");
        assert_json(json_object_get(h, "ShmSize"), "67108864");
        json_decref(c);
        json_decref(h);
}

static void test_normalized_values(void **state) {
        json_t *c, *h;
        (void) state;
        validate("{\"Image\":\"bb\",\"Entrypoint\":\"/bin/sh\",\"Cmd\":null,\"Env\":null,"
                 "\"Labels\":null,\"Volumes\":{\"/v\":{}},\"StopSignal\":\"SIGUSR1\","
                 "\"StopTimeout\":3,\"ExposedPorts\":{\"80/tcp\":{},\"53/udp\":{}},"
                 "\"HostConfig\":{\"CapAdd\":[\"net_admin\",\"all\"],\"CapDrop\":[\"CAP_CHOWN\"],"
                 "\"MemorySwap\":-1,\"Memory\":8388608,\"PidsLimit\":-1,\"NetworkMode\":\"\","
                 "\"MemorySwappiness\":-1,\"Binds\":null,\"Tmpfs\":{\"/run\":\"size=64k,exec\"},"
                 "\"LogConfig\":{\"Type\":\"json-file\",\"Config\":{\"max-size\":\"10m\","
                 "\"max-file\":\"3\"}},\"RestartPolicy\":{\"Name\":\"on-failure\","
                 "\"MaximumRetryCount\":2},\"SecurityOpt\":[\"no-new-privileges\","
                 "\"seccomp=unconfined\",\"label=disable\"],\"Sysctls\":{\"net.ipv4.ip_forward\":\"1\"},"
                 "\"Ulimits\":[{\"Name\":\"nofile\",\"Soft\":1024,\"Hard\":2048}],"
                 "\"Privileged\":true,\"Init\":false,\"Dns\":[\"10.0.0.1\",\"fd00::1\"],"
                 "\"DnsSearch\":[\"example.com\"],\"DnsOptions\":[\"ndots:2\"],"
                 "\"ExtraHosts\":[\"db:10.0.0.2\",\"v6:fd00::2\"]}}",
                 &c, &h);
        assert_json(json_object_get(c, "Entrypoint"), "[\"/bin/sh\"]");
        assert_json(json_object_get(c, "ExposedPorts"), "{\"80/tcp\":{},\"53/udp\":{}}");
        assert_json(json_object_get(c, "StopSignal"), "\"SIGUSR1\"");
        assert_json(json_object_get(c, "StopTimeout"), "3");
        assert_json(json_object_get(h, "CapAdd"), "[\"CAP_NET_ADMIN\",\"ALL\"]");
        assert_json(json_object_get(h, "CapDrop"), "[\"CAP_CHOWN\"]");
        assert_json(json_object_get(h, "MemorySwap"), "-1");
        assert_json(json_object_get(h, "PidsLimit"), "null");
        assert_json(json_object_get(h, "NetworkMode"), "\"default\"");
        assert_json(json_object_get(h, "Tmpfs"), "{\"/run\":\"size=64k,exec\"}");
        assert_json(json_object_get(h, "RestartPolicy"),
                    "{\"Name\":\"on-failure\",\"MaximumRetryCount\":2}");
        assert_json(json_object_get(h, "LogConfig"),
                    "{\"Type\":\"json-file\",\"Config\":{\"max-size\":\"10m\",\"max-file\":\"3\"}}");
        /* Privileged: no masked or read-only paths. */
        assert_json(json_object_get(h, "MaskedPaths"), "null");
        assert_json(json_object_get(h, "ReadonlyPaths"), "null");
        assert_null(json_object_get(h, "Init"));
        json_decref(c);
        json_decref(h);
}

struct bad {
        const char *body;
        const char *msg;        /* the whole message, or its start when it ends in '*' */
};

#define HC(x) "{\"Image\":\"bb\",\"HostConfig\":{" x "}}"
#define CF(x) "{\"Image\":\"bb\"," x "}"

static const struct bad bad_bodies[] = {
        { "{}", "Config cannot be empty in order to create a container" },
        { "[]", "Config cannot be empty in order to create a container" },
        { "{\"HostConfig\":{\"Memory\":0}}", "Config cannot be empty in order to create a container" },
        { "{\"Cmd\":[\"x\"]}", "Config.Image: an image name is required" },
        /* wrong JSON types, in Go's words */
        { HC("\"Memory\":\"32m\""),
          "json: cannot unmarshal string into Go struct field HostConfig.Memory of type int64" },
        { HC("\"Memory\":1.5"),
          "json: cannot unmarshal number 1.5 into Go struct field HostConfig.Memory of type int64" },
        { CF("\"Env\":\"A=B\""),
          "json: cannot unmarshal string into Go struct field Config.Env of type []string" },
        { CF("\"Cmd\":5"),
          "json: cannot unmarshal number into Go struct field Config.Cmd of type strslice.StrSlice" },
        { CF("\"Tty\":\"yes\""),
          "json: cannot unmarshal string into Go struct field Config.Tty of type bool" },
        { CF("\"Labels\":{\"a\":1}"),
          "json: cannot unmarshal number into Go struct field Config.Labels of type string" },
        { CF("\"HostConfig\":[]"),
          "json: cannot unmarshal array into Go struct field HostConfig of type object" },
        { HC("\"Binds\":[1]"),
          "json: cannot unmarshal number into Go struct field HostConfig.Binds of type string" },
        { HC("\"Binds\":\"/a:/b\""),
          "json: cannot unmarshal string into Go struct field HostConfig.Binds of type []string" },
        { CF("\"Cmd\":[\"a\",true]"),
          "json: cannot unmarshal bool into Go struct field Config.Cmd of type string" },
        { HC("\"Ulimits\":[{\"Name\":\"nofile\",\"Soft\":\"1\",\"Hard\":2}]"),
          "json: cannot unmarshal string into Go struct field HostConfig.Ulimits.Soft of type int64" },
        { HC("\"RestartPolicy\":{\"Name\":1}"),
          "json: cannot unmarshal number into Go struct field RestartPolicy.Name of type string" },
        /* resources */
        { HC("\"Memory\":1000"), "Minimum memory limit allowed is 6MB" },
        { HC("\"Memory\":6291455"), "Minimum memory limit allowed is 6MB" },
        { HC("\"Memory\":-1"), "Minimum memory limit allowed is 6MB" },
        { HC("\"MemoryReservation\":4096"), "Minimum memory reservation allowed is 6MB" },
        { HC("\"Memory\":8388608,\"MemoryReservation\":16777216"),
          "Minimum memory limit can not be less than memory reservation limit, see usage" },
        { HC("\"MemorySwap\":16777216"),
          "You should always set the Memory limit when using Memoryswap limit, see usage" },
        { HC("\"Memory\":16777216,\"MemorySwap\":8388608"),
          "Minimum memoryswap limit should be larger than memory limit, see usage" },
        { HC("\"MemorySwappiness\":10"), "HostConfig.MemorySwappiness is not supported by ctrd" },
        { HC("\"MemorySwappiness\":101"), "Invalid value: 101, valid memory swappiness range is 0-100" },
        { HC("\"NanoCpus\":-1"), "Range of CPUs is from 0.01 to *" },
        { HC("\"NanoCpus\":1000"), "Range of CPUs is from 0.01 to *" },
        { HC("\"NanoCpus\":1000000000000000"), "Range of CPUs is from 0.01 to *" },
        { HC("\"NanoCpus\":500000000,\"CpuQuota\":50000"),
          "Conflicting options: Nano CPUs and CPU Quota cannot both be set" },
        { HC("\"NanoCpus\":500000000,\"CpuPeriod\":50000"),
          "Conflicting options: Nano CPUs and CPU Period cannot both be set" },
        { HC("\"CpuShares\":-2"), "HostConfig.CpuShares: must not be negative" },
        { HC("\"CpuQuota\":-5"), "HostConfig.CpuQuota: must not be negative" },
        { HC("\"CpuQuota\":500"), "CPU cfs quota can not be less than 1ms (i.e. 1000)" },
        { HC("\"CpuPeriod\":100"),
          "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)" },
        { HC("\"CpusetCpus\":\"0-\""), "Invalid value 0- for cpuset cpus" },
        { HC("\"CpusetMems\":\"a\""), "Invalid value a for cpuset mems" },
        { HC("\"OomScoreAdj\":2000"), "Invalid value 2000, range for oom score adj is [-1000, 1000]" },
        { HC("\"ShmSize\":-1"), "SHM size can not be less than 0" },
        { HC("\"Ulimits\":[{\"Name\":\"nofile\",\"Soft\":10,\"Hard\":5}]"),
          "ulimit soft limit must be less than or equal to hard limit: 10 > 5" },
        { HC("\"Ulimits\":[{\"Name\":\"bogus\",\"Soft\":1,\"Hard\":1}]"), "invalid ulimit type: bogus" },
        { HC("\"Ulimits\":[{\"Name\":\"core\",\"Soft\":-1,\"Hard\":-1}]"),
          "HostConfig.Ulimits[0]: core: negative (unlimited) values are not supported by ctrd" },
        { HC("\"Sysctls\":{\"kernel.hostname\":\"x\"}"), "sysctl 'kernel.hostname' is not allowed" },
        { HC("\"NetworkMode\":\"host\",\"Sysctls\":{\"net.core.somaxconn\":\"1\"}"),
          "sysctl 'net.core.somaxconn' not allowed in host network namespace" },
        /* what ends up in resolv.conf and hosts */
        { HC("\"Dns\":[\"8.8.8.8\\nnameserver 6.6.6.6\"]"), "8.8.8.8\nnameserver 6.6.6.6 is not an ip address" },
        { HC("\"DnsSearch\":[\"a.com b.com\"]"), "invalid DNS search domain: \"a.com b.com\"" },
        { HC("\"DnsOptions\":[\"ndots:1\\n\"]"), "invalid DNS option: \"ndots:1\n\"" },
        { HC("\"ExtraHosts\":[\"h:not-an-ip\"]"), "invalid IP address in add-host: \"not-an-ip\"" },
        { HC("\"ExtraHosts\":[\"nocolon\"]"), "bad format for add-host: \"nocolon\"" },
        { HC("\"ExtraHosts\":[\"a b:1.2.3.4\"]"), "bad format for add-host: \"a b:1.2.3.4\"" },
        /* capabilities and security options */
        { HC("\"CapAdd\":[\"CAP_FOO\"]"), "invalid CapAdd: unknown capability: \"CAP_FOO\"" },
        { HC("\"CapDrop\":[\"foo\"]"), "invalid CapDrop: unknown capability: \"CAP_FOO\"" },
        { HC("\"SecurityOpt\":[\"foo\"]"), "Invalid --security-opt: \"foo\"" },
        { HC("\"SecurityOpt\":[\"seccomp={bad\"]"), "Decoding seccomp profile failed: *" },
        { HC("\"SecurityOpt\":[\"seccomp={\\\"syscalls\\\":[]}\"]"),
          "invalid seccomp profile: defaultAction is required" },
        /* mounts */
        { HC("\"Binds\":[\"rel/path:/x\"]"),
          "create rel/path: \"rel/path\" includes invalid characters for a local volume name, "
          "only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host "
          "directory, use absolute path" },
        { HC("\"Binds\":[\"/a/../b:/x\"]"),
          "invalid mount config for type \"bind\": bind source path must not contain '..': /a/../b" },
        { HC("\"Binds\":[\"/a:rel\"]"), "invalid volume specification: '/a:rel'*" },
        { HC("\"Binds\":[\"/a:/\"]"), "invalid volume specification: '/a:/'*" },
        { HC("\"Binds\":[\"/a:/x:bogus\"]"), "invalid mode: bogus" },
        { HC("\"Binds\":[\"/a:/x:ro,rw\"]"), "invalid mode: ro,rw" },
        { HC("\"Binds\":[\"/a:/b:/c:ro\"]"), "invalid volume specification: '/a:/b:/c:ro'" },
        { HC("\"Binds\":[\"/a:/x\",\"/b:/x/\"]"), "Duplicate mount point: /x" },
        { HC("\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/nonexistent-ctrd-test\",\"Target\":\"/x\"}]"),
          "invalid mount config for type \"bind\": bind source path does not exist: "
          "/nonexistent-ctrd-test" },
        { HC("\"Mounts\":[{\"Type\":\"npipe\",\"Source\":\"/a\",\"Target\":\"/x\"}]"),
          "invalid mount config for type \"npipe\": mount type unknown" },
        { HC("\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"rel\",\"Target\":\"/x\"}]"),
          "invalid mount config for type \"bind\": invalid mount path: 'rel' mount path must be absolute" },
        { HC("\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/tmp/../etc\",\"Target\":\"/x\"}]"),
          "invalid mount config for type \"bind\": bind source path must not contain '..': /tmp/../etc" },
        { HC("\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/tmp\"}]"),
          "invalid mount config for type \"bind\": field Target must not be empty" },
        { HC("\"Mounts\":[{\"Type\":\"tmpfs\",\"Source\":\"/a\",\"Target\":\"/x\"}]"),
          "invalid mount config for type \"tmpfs\": field Source must not be specified" },
        { HC("\"Mounts\":[{\"Type\":\"tmpfs\",\"Target\":\"/x\",\"BindOptions\":{}}]"),
          "invalid mount config for type \"tmpfs\": field BindOptions must not be specified" },
        { HC("\"Mounts\":[{\"Type\":\"volume\",\"Source\":\"a/b\",\"Target\":\"/x\"}]"),
          "invalid mount config for type \"volume\": invalid volume name: a/b" },
        { HC("\"Tmpfs\":{\"rel\":\"\"}"), "invalid tmpfs mount point: 'rel' must be absolute and not '/'" },
        { HC("\"Tmpfs\":{\"/t\":\"foo=bar\"}"), "invalid tmpfs option \"foo=bar\"" },
        { CF("\"Volumes\":{\"rel\":{}}"), "invalid volume specification: 'rel'*" },
        /* unsupported features */
        { HC("\"Links\":[\"a:b\"]"), "HostConfig.Links is not supported by ctrd" },
        { HC("\"Devices\":[{\"PathOnHost\":\"/dev/kvm\"}]"), "HostConfig.Devices is not supported by ctrd" },
        { HC("\"OomKillDisable\":true"), "HostConfig.OomKillDisable is not supported by ctrd" },
        { HC("\"BlkioWeight\":300"), "HostConfig.BlkioWeight is not supported by ctrd" },
        { HC("\"CgroupParent\":\"/x\""), "HostConfig.CgroupParent is not supported by ctrd" },
        { HC("\"Init\":true"), "HostConfig.Init is not supported by ctrd*" },
        { HC("\"IpcMode\":\"host\""), "HostConfig.IpcMode \"host\" is not supported by ctrd" },
        { HC("\"PidMode\":\"container:x\""), "HostConfig.PidMode \"container:x\" is not supported by ctrd" },
        { HC("\"NetworkMode\":\"container:\""), "invalid network mode: container:" },
        { HC("\"CgroupnsMode\":\"other\""), "invalid cgroup namespace mode: other" },
        { HC("\"Isolation\":\"hyperv\""), "Invalid isolation: \"hyperv\" - Linux only supports 'default'" },
        { HC("\"VolumeDriver\":\"nfs\""), "HostConfig.VolumeDriver \"nfs\" is not supported by ctrd" },
        { CF("\"Healthcheck\":{\"Test\":[\"CMD\",\"true\"]}"), "Config.Healthcheck is not supported by ctrd" },
        { CF("\"MacAddress\":\"02:42:ac:11:00:02\""), "Config.MacAddress is not supported by ctrd" },
        { CF("\"Domainname\":\"example.com\""), "Config.Domainname is not supported by ctrd" },
        /* policies */
        { HC("\"LogConfig\":{\"Type\":\"syslog\"}"),
          "logging driver \"syslog\" is not supported by ctrd (only json-file)" },
        { HC("\"LogConfig\":{\"Config\":{\"max-file\":\"3\"}}"), "max-file cannot be used without max-size" },
        { HC("\"LogConfig\":{\"Config\":{\"max-size\":\"ten\"}}"), "invalid max-size: ten" },
        { HC("\"LogConfig\":{\"Config\":{\"bogus\":\"1\"}}"),
          "unknown log opt 'bogus' for json-file log driver" },
        { HC("\"RestartPolicy\":{\"Name\":\"sometimes\"}"), "invalid restart policy 'sometimes'" },
        { HC("\"RestartPolicy\":{\"Name\":\"always\",\"MaximumRetryCount\":3}"),
          "maximum retry count cannot be used with restart policy 'always'" },
        { HC("\"RestartPolicy\":{\"Name\":\"on-failure\",\"MaximumRetryCount\":-1}"),
          "maximum retry count cannot be negative" },
        { HC("\"AutoRemove\":true,\"RestartPolicy\":{\"Name\":\"always\"}"),
          "can't create 'AutoRemove' container with restart policy" },
        /* Config */
        { CF("\"StopSignal\":\"BOGUS\""), "Invalid signal: BOGUS" },
        { CF("\"WorkingDir\":\"rel\""),
          "the working directory 'rel' is invalid, it needs to be an absolute path" },
        { CF("\"Env\":[\"=x\"]"), "invalid environment variable: =x" },
        { CF("\"ExposedPorts\":{\"abc/tcp\":{}}"), "invalid containerPort: abc/tcp" },
        { CF("\"ExposedPorts\":{\"80/xyz\":{}}"), "invalid proto: xyz" },
        { CF("\"Hostname\":\"bad_host!\""), "invalid hostname format: bad_host!" },
        { CF("\"StopTimeout\":-5"), "Config.StopTimeout: must be -1 or more" },
};

static void test_errors(void **state) {
        (void) state;
        for (size_t i = 0; i < sizeof(bad_bodies) / sizeof(*bad_bodies); i++) {
                struct ctrd_error err = { 0 };
                json_t *b = load(bad_bodies[i].body), *c = NULL, *h = NULL;
                int r = ctr_config_validate(b, &c, &h, &err);
                if (r != -EINVAL)
                        fail_msg("%s: got %d, want -EINVAL", bad_bodies[i].body, r);
                assert_null(c);
                assert_null(h);
                const char *want = bad_bodies[i].msg;
                size_t n = strlen(want);
                bool prefix = want[n - 1] == '*';
                if (prefix ? strncmp(err.msg, want, n - 1) != 0 : strcmp(err.msg, want) != 0)
                        fail_msg("%s:\n got  %s\n want %s", bad_bodies[i].body, err.msg, want);
                json_decref(b);
        }
}

/* null is accepted for every list and map, as Docker accepts it. */
/* `docker run --entrypoint ""` sends [""], which clears the entrypoint. */
static void test_entrypoint_reset(void **state) {
        json_t *c, *h;
        (void) state;
        validate("{\"Image\":\"bb\",\"Entrypoint\":[\"\"],\"Cmd\":[\"ls\"]}", &c, &h);
        assert_json(json_object_get(c, "Entrypoint"), "[]");
        json_decref(c);
        json_decref(h);
}

static void test_nulls(void **state) {
        json_t *c, *h;
        (void) state;
        validate("{\"Image\":\"bb\",\"Cmd\":null,\"Env\":null,\"Labels\":null,\"Volumes\":null,"
                 "\"ExposedPorts\":null,\"Entrypoint\":null,\"OnBuild\":null,\"Healthcheck\":null,"
                 "\"StopTimeout\":null,\"HostConfig\":{\"Binds\":null,\"Dns\":null,\"Mounts\":null,"
                 "\"Tmpfs\":null,\"Ulimits\":null,\"CapAdd\":null,\"LogConfig\":null,"
                 "\"RestartPolicy\":null,\"PortBindings\":null,\"Devices\":null,\"Sysctls\":null,"
                 "\"SecurityOpt\":null,\"PidsLimit\":null,\"Init\":null,\"ConsoleSize\":null}}",
                 &c, &h);
        assert_json(json_object_get(h, "Dns"), "[]");
        assert_json(json_object_get(h, "LogConfig"), "{\"Type\":\"json-file\",\"Config\":{}}");
        assert_json(json_object_get(c, "Labels"), "{}");
        json_decref(c);
        json_decref(h);
}

struct merge_case {
        const char *config, *image, *want;
};

static void test_merge(void **state) {
        static const struct merge_case cases[] = {
                /* nothing given: the image's entrypoint and cmd */
                { "{\"Cmd\":null,\"Entrypoint\":null}", "{\"Entrypoint\":[\"/ep\"],\"Cmd\":[\"a\"]}",
                  "{\"Cmd\":[\"a\"],\"Entrypoint\":[\"/ep\"]}" },
                /* an entrypoint without cmd drops the image's cmd */
                { "{\"Cmd\":null,\"Entrypoint\":[\"/x\"]}", "{\"Entrypoint\":[\"/ep\"],\"Cmd\":[\"a\"]}",
                  "{\"Cmd\":null,\"Entrypoint\":[\"/x\"]}" },
                /* a cmd keeps the image's entrypoint */
                { "{\"Cmd\":[\"b\"],\"Entrypoint\":null}", "{\"Entrypoint\":[\"/ep\"],\"Cmd\":[\"a\"]}",
                  "{\"Cmd\":[\"b\"],\"Entrypoint\":[\"/ep\"]}" },
                /* an explicitly empty entrypoint clears the image's, the cmd is inherited */
                { "{\"Cmd\":null,\"Entrypoint\":[]}", "{\"Entrypoint\":[\"/ep\"],\"Cmd\":[\"sh\"]}",
                  "{\"Cmd\":[\"sh\"],\"Entrypoint\":[]}" },
                /* env merged by key, the user's first; "C" alone still shadows the image's C */
                { "{\"Cmd\":[\"x\"],\"Env\":[\"A=1\",\"C\"]}",
                  "{\"Env\":[\"A=0\",\"B=2\",\"C=3\",\"PATH=/x\"]}",
                  "{\"Cmd\":[\"x\"],\"Env\":[\"A=1\",\"C\",\"B=2\",\"PATH=/x\"],\"Entrypoint\":null}" },
                { "{\"Cmd\":[\"x\"],\"Env\":null}", "{\"Env\":[\"PATH=/x\"]}",
                  "{\"Cmd\":[\"x\"],\"Env\":[\"PATH=/x\"],\"Entrypoint\":null}" },
                /* scalars inherited only when unset; maps merged with the user's values winning */
                { "{\"Cmd\":[\"x\"],\"User\":\"\",\"WorkingDir\":\"/w\",\"Labels\":{\"a\":\"1\"},"
                  "\"StopSignal\":\"\",\"Volumes\":null}",
                  "{\"User\":\"nobody\",\"WorkingDir\":\"/img\",\"StopSignal\":\"SIGQUIT\","
                  "\"Labels\":{\"a\":\"0\",\"b\":\"2\"},\"Volumes\":{\"/data\":{}},"
                  "\"ExposedPorts\":{\"80/tcp\":{}}}",
                  "{\"Cmd\":[\"x\"],\"User\":\"nobody\",\"WorkingDir\":\"/w\","
                  "\"Labels\":{\"a\":\"1\",\"b\":\"2\"},\"StopSignal\":\"SIGQUIT\","
                  "\"Volumes\":{\"/data\":{}},\"ExposedPorts\":{\"80/tcp\":{}},\"Entrypoint\":null}" },
        };
        (void) state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
                struct ctrd_error err = { 0 };
                json_t *c = load(cases[i].config), *img = load(cases[i].image);
                if (ctr_config_merge_image(c, img, &err) < 0)
                        fail_msg("case %zu: %s", i, err.msg);
                json_t *want = load(cases[i].want);
                if (!json_equal(c, want)) {
                        char *got = json_dumps(c, JSON_COMPACT);
                        fail_msg("case %zu: got %s", i, got);
                }
                json_decref(want);
                json_decref(c);
                json_decref(img);
        }
}

static void test_merge_no_command(void **state) {
        struct ctrd_error err = { 0 };
        json_t *c = load("{\"Cmd\":null,\"Entrypoint\":null}"), *img = load("{\"Env\":[]}");
        (void) state;
        assert_int_equal(ctr_config_merge_image(c, img, &err), -EINVAL);
        assert_string_equal(err.msg, "No command specified");
        assert_int_equal(ctr_config_merge_image(c, NULL, &err), -EINVAL);
        json_decref(c);
        json_decref(img);
}

static void test_signals(void **state) {
        static const struct {
                const char *in;
                int sig;
        } ok[] = {
                { "SIGTERM", SIGTERM }, { "term", SIGTERM }, { "9", SIGKILL }, { "KILL", SIGKILL },
                { "SIGWINCH", SIGWINCH }, { "usr1", SIGUSR1 }, { "64", 64 },
        };
        static const char *const bad[] = { "BOGUS", "0", "65", "-1", "SIG", "", "RTMIN+99" };
        int sig;
        (void) state;
        for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
                assert_int_equal(ctr_config_parse_signal(ok[i].in, &sig), 0);
                assert_int_equal(sig, ok[i].sig);
        }
        assert_int_equal(ctr_config_parse_signal("RTMIN+1", &sig), 0);
        assert_int_equal(sig, SIGRTMIN + 1);
        for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
                assert_int_equal(ctr_config_parse_signal(bad[i], &sig), -EINVAL);
}

static void test_sizes(void **state) {
        static const struct {
                const char *in;
                int64_t want;
        } ok[] = {
                { "100", 100 }, { "10k", 10240 }, { "10m", 10485760 }, { "10mb", 10485760 },
                { "10MiB", 10485760 }, { "1.5g", 1610612736 }, { "2T", 2199023255552LL },
                { "7b", 7 },
        };
        static const char *const bad[] = { "", "m10", "10x", "10mm", "-1", "1e30p", "k" };
        int64_t v;
        (void) state;
        for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
                assert_int_equal(ctr_parse_size(ok[i].in, &v), 0);
                assert_int_equal(v, ok[i].want);
        }
        for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
                if (ctr_parse_size(bad[i], &v) == 0)
                        fail_msg("'%s' accepted as %lld", bad[i], (long long) v);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cli_flags),
                cmocka_unit_test(test_cli_rm),
                cmocka_unit_test(test_sdk_minimal),
                cmocka_unit_test(test_normalized_values),
                cmocka_unit_test(test_errors),
                cmocka_unit_test(test_nulls),
                cmocka_unit_test(test_entrypoint_reset),
                cmocka_unit_test(test_merge),
                cmocka_unit_test(test_merge_no_command),
                cmocka_unit_test(test_signals),
                cmocka_unit_test(test_sizes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
