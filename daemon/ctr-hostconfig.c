/*
 * HostConfig of a create body: every field Docker's inspect shows, in its
 * order, with Docker's defaults; the namespace modes, security options and
 * capabilities checked here; resources and policies in ctr-resources.c and
 * ctr-policies.c.
 */
#include <errno.h>
#include <string.h>

#include "cleanup.h"
#include "ctr-caps.h"
#include "ctr-config-internal.h"
#include "ctr-config.h"
#include "ctr-json.h"
#include "ctr-secopt.h"
#include "macro.h"

#define UNSUP CTR_F_UNSUPPORTED

static const struct ctr_field host_fields[] = {
        { "Binds", CTR_J_STRV, 0 },
        { "ContainerIDFile", CTR_J_STRING, 0 },
        { "LogConfig", CTR_J_OBJECT, CTR_F_EMPTY },
        { "NetworkMode", CTR_J_STRING, 0 },
        { "PortBindings", CTR_J_OBJECT, CTR_F_EMPTY },
        { "RestartPolicy", CTR_J_OBJECT, CTR_F_EMPTY },
        { "AutoRemove", CTR_J_BOOL, 0 },
        { "VolumeDriver", CTR_J_STRING, 0 },
        { "VolumesFrom", CTR_J_STRV, UNSUP },
        { "CapAdd", CTR_J_STRV, 0 },
        { "CapDrop", CTR_J_STRV, 0 },
        { "CgroupnsMode", CTR_J_STRING, 0 },
        { "Dns", CTR_J_STRV, CTR_F_EMPTY },
        { "DnsOptions", CTR_J_STRV, CTR_F_EMPTY },
        { "DnsSearch", CTR_J_STRV, CTR_F_EMPTY },
        { "ExtraHosts", CTR_J_STRV, 0 },
        { "GroupAdd", CTR_J_STRV, 0 },
        { "IpcMode", CTR_J_STRING, 0 },
        { "Cgroup", CTR_J_STRING, UNSUP },
        { "Links", CTR_J_STRV, UNSUP },
        { "OomScoreAdj", CTR_J_INT, 0 },
        { "PidMode", CTR_J_STRING, 0 },
        { "Privileged", CTR_J_BOOL, 0 },
        { "PublishAllPorts", CTR_J_BOOL, 0 },
        { "ReadonlyRootfs", CTR_J_BOOL, 0 },
        { "SecurityOpt", CTR_J_STRV, 0 },
        { "StorageOpt", CTR_J_STRMAP, CTR_F_OMITEMPTY | UNSUP },
        { "Tmpfs", CTR_J_STRMAP, CTR_F_OMITEMPTY },
        { "UTSMode", CTR_J_STRING, 0 },
        { "UsernsMode", CTR_J_STRING, 0 },
        { "ShmSize", CTR_J_INT, 0 },
        { "Sysctls", CTR_J_STRMAP, CTR_F_OMITEMPTY },
        { "ConsoleSize", CTR_J_ARRAY, 0 },
        { "Isolation", CTR_J_STRING, 0 },
        { "CpuShares", CTR_J_INT, 0 },
        { "Memory", CTR_J_INT, 0 },
        { "NanoCpus", CTR_J_INT, 0 },
        { "CgroupParent", CTR_J_STRING, UNSUP },
        { "BlkioWeight", CTR_J_INT, UNSUP },
        { "BlkioWeightDevice", CTR_J_ARRAY, CTR_F_EMPTY | UNSUP },
        { "BlkioDeviceReadBps", CTR_J_ARRAY, CTR_F_EMPTY | UNSUP },
        { "BlkioDeviceWriteBps", CTR_J_ARRAY, CTR_F_EMPTY | UNSUP },
        { "BlkioDeviceReadIOps", CTR_J_ARRAY, CTR_F_EMPTY | UNSUP },
        { "BlkioDeviceWriteIOps", CTR_J_ARRAY, CTR_F_EMPTY | UNSUP },
        { "CpuPeriod", CTR_J_INT, 0 },
        { "CpuQuota", CTR_J_INT, 0 },
        { "CpuRealtimePeriod", CTR_J_INT, UNSUP },
        { "CpuRealtimeRuntime", CTR_J_INT, UNSUP },
        { "CpusetCpus", CTR_J_STRING, 0 },
        { "CpusetMems", CTR_J_STRING, 0 },
        { "Devices", CTR_J_ARRAY, CTR_F_EMPTY | UNSUP },
        { "DeviceCgroupRules", CTR_J_STRV, UNSUP },
        { "DeviceRequests", CTR_J_ARRAY, UNSUP },
        { "KernelMemory", CTR_J_INT, UNSUP },
        { "KernelMemoryTCP", CTR_J_INT, UNSUP },
        { "MemoryReservation", CTR_J_INT, 0 },
        { "MemorySwap", CTR_J_INT, 0 },
        { "MemorySwappiness", CTR_J_INT, CTR_F_NULLABLE },
        { "OomKillDisable", CTR_J_BOOL, UNSUP },
        { "PidsLimit", CTR_J_INT, CTR_F_NULLABLE },
        { "Ulimits", CTR_J_ARRAY, CTR_F_EMPTY },
        { "CpuCount", CTR_J_INT, UNSUP },
        { "CpuPercent", CTR_J_INT, UNSUP },
        { "IOMaximumIOps", CTR_J_INT, UNSUP },
        { "IOMaximumBandwidth", CTR_J_INT, UNSUP },
        { "Mounts", CTR_J_ARRAY, CTR_F_OMITEMPTY },
        { "MaskedPaths", CTR_J_STRV, 0 },
        { "ReadonlyPaths", CTR_J_STRV, 0 },
        { "Init", CTR_J_BOOL, CTR_F_OMITEMPTY | CTR_F_NULLABLE },
};

/* Docker's defaults for MaskedPaths and ReadonlyPaths (and /sys/devices/virtual/powercap,
 * masked by newer Docker releases because it leaks power readings). */
static const char *const default_masked[] = {
        "/proc/asound",      "/proc/acpi",        "/proc/kcore",      "/proc/keys",
        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
        "/proc/scsi",        "/sys/firmware",     "/sys/devices/virtual/powercap",
};
static const char *const default_readonly[] = {
        "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

static int set_default_str(json_t *h, const char *key, const char *value) {
        if (*ctr_jstr(h, key))
                return 0;
        return ctr_jset_new(h, key, json_string(value));
}

static int set_paths(json_t *h, const char *key, const char *const *def, size_t n,
                     struct ctrd_error *err) {
        json_t *list = ctr_jget(h, key), *v;
        size_t i;

        json_array_foreach(list, i, v)
                if (json_string_value(v)[0] != '/')
                        return ctrd_error_set(err, EINVAL, "HostConfig.%s: '%s' is not absolute",
                                              key, json_string_value(v));
        /* Privileged containers get no masked or read-only paths at all. */
        if (list || ctr_jbool(h, "Privileged"))
                return 0;
        json_t *a = json_array();
        for (i = 0; a && i < n; i++)
                if (json_array_append_new(a, json_string(def[i])) < 0)
                        break;
        if (!a || i < n) {
                json_decref(a);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        return ctr_jset_new(h, key, a) < 0 ? ctrd_error_set(err, ENOMEM, "out of memory") : 0;
}

static int check_mode(json_t *h, const char *key, const char *const *allowed,
                      struct ctrd_error *err) {
        const char *v = ctr_jstr(h, key);
        for (size_t i = 0; allowed[i]; i++)
                if (strcmp(v, allowed[i]) == 0)
                        return 0;
        return ctrd_error_set(err, EINVAL, "HostConfig.%s \"%s\" is not supported by ctrd", key,
                              v);
}

/* A network name as Docker allows it, or "container:<id|name>". */
static int check_network_mode(json_t *h, struct ctrd_error *err) {
        const char *m = ctr_jstr(h, "NetworkMode");
        size_t n = strlen(m);

        if (strncmp(m, "container:", 10) == 0 && m[10])
                return 0;
        if (n == 0 || strspn(m, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "0123456789_.-") != n || m[0] == '.' || m[0] == '-' ||
            m[0] == '_')
                return ctrd_error_set(err, EINVAL, "invalid network mode: %s", m);
        return 0;
}

static int check_modes(json_t *h, struct ctrd_error *err) {
        static const char *const ipc[] = { "private", "shareable", NULL };
        static const char *const ns_or_host[] = { "", "host", NULL };
        static const char *const cgroupns[] = { "private", "host", NULL };
        static const char *const isolation[] = { "", "default", NULL };
        static const char *const driver[] = { "", "local", NULL };
        int r;

        if ((r = set_default_str(h, "NetworkMode", "default")) < 0 ||
            (r = set_default_str(h, "IpcMode", "private")) < 0 ||
            (r = set_default_str(h, "CgroupnsMode", "private")) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if (strcmp(ctr_jstr(h, "CgroupnsMode"), "private") &&
            strcmp(ctr_jstr(h, "CgroupnsMode"), "host"))
                return ctrd_error_set(err, EINVAL, "invalid cgroup namespace mode: %s",
                                      ctr_jstr(h, "CgroupnsMode"));
        if (check_mode(h, "Isolation", isolation, NULL) < 0)
                return ctrd_error_set(err, EINVAL,
                                      "Invalid isolation: \"%s\" - Linux only supports 'default'",
                                      ctr_jstr(h, "Isolation"));
        if ((r = check_network_mode(h, err)) < 0 ||
            (r = check_mode(h, "IpcMode", ipc, err)) < 0 ||
            (r = check_mode(h, "PidMode", ns_or_host, err)) < 0 ||
            (r = check_mode(h, "UTSMode", ns_or_host, err)) < 0 ||
            (r = check_mode(h, "UsernsMode", ns_or_host, err)) < 0 ||
            (r = check_mode(h, "CgroupnsMode", cgroupns, err)) < 0 ||
            (r = check_mode(h, "VolumeDriver", driver, err)) < 0)
                return r;
        return 0;
}

static int check_console_size(json_t *h, struct ctrd_error *err) {
        json_t *cs = ctr_jget(h, "ConsoleSize");

        if (!cs)
                return ctr_jset_new(h, "ConsoleSize", json_pack("[ii]", 0, 0)) < 0
                               ? ctrd_error_set(err, ENOMEM, "out of memory") : 0;
        if (json_array_size(cs) != 2 || !json_is_integer(json_array_get(cs, 0)) ||
            !json_is_integer(json_array_get(cs, 1)) ||
            json_integer_value(json_array_get(cs, 0)) < 0 ||
            json_integer_value(json_array_get(cs, 1)) < 0)
                return ctrd_error_set(err, EINVAL,
                                      "HostConfig.ConsoleSize: expected [height, width]");
        return 0;
}

static int normalize_caps(json_t *h, const char *key, struct ctrd_error *err) {
        json_t *list = ctr_jget(h, key), *norm = NULL;
        int r;

        if (!list)
                return 0;
        if ((r = ctr_caps_normalize(list, key, &norm, err)) < 0)
                return r;
        return ctr_jset_new(h, key, norm) < 0 ? ctrd_error_set(err, ENOMEM, "out of memory") : 0;
}

static int check_init(json_t *h, struct ctrd_error *err) {
        if (ctr_jbool(h, "Init"))
                return ctrd_error_set(err, EINVAL,
                                      "HostConfig.Init is not supported by ctrd: run an init "
                                      "(tini, dumb-init) as the entrypoint instead");
        return 0;
}

static int check_shm(json_t *h, struct ctrd_error *err) {
        int64_t shm = ctr_jint(h, "ShmSize");

        if (shm < 0)
                return ctrd_error_set(err, EINVAL, "SHM size can not be less than 0");
        if (shm == 0 && ctr_jset_new(h, "ShmSize", json_integer(CTR_SHM_DEFAULT)) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        return 0;
}

int ctr_hostconfig_normalize(json_t *in, json_t **ret, struct ctrd_error *err) {
        _cleanup_json_ json_t *h = json_object();
        _cleanup_(ctr_secopt_done) struct ctr_secopt so = { 0 };
        int r;

        if (!h)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if ((r = ctr_jcopy_fields(in, "HostConfig", host_fields, ARRAY_SIZE(host_fields), h,
                                  err)) < 0 ||
            (r = check_modes(h, err)) < 0 ||
            (r = check_console_size(h, err)) < 0 ||
            (r = normalize_caps(h, "CapAdd", err)) < 0 ||
            (r = normalize_caps(h, "CapDrop", err)) < 0 ||
            (r = ctr_secopt_parse(ctr_jget(h, "SecurityOpt"), &so, err)) < 0 ||
            (r = check_init(h, err)) < 0 ||
            (r = check_shm(h, err)) < 0 ||
            (r = set_paths(h, "MaskedPaths", default_masked, ARRAY_SIZE(default_masked),
                           err)) < 0 ||
            (r = set_paths(h, "ReadonlyPaths", default_readonly, ARRAY_SIZE(default_readonly),
                           err)) < 0 ||
            (r = ctr_dns_check(h, err)) < 0 ||
            (r = ctr_resources_check(h, err)) < 0 ||
            (r = ctr_policies_check(h, err)) < 0)
                return r;
        *ret = TAKE_PTR(h);
        return 0;
}
