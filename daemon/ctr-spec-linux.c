/*
 * config.json "linux": namespaces, cgroup resources (with Docker's device
 * rules), masked and read-only paths, seccomp, devices and sysctls.
 */
#include <errno.h>
#include <string.h>

#include "cleanup.h"
#include "ctr-json.h"
#include "ctr-secopt.h"
#include "ctr-seccomp-default.h"
#include "ctr-spec-internal.h"

#define CPU_PERIOD_DEFAULT 100000

static int push(json_t *list, json_t *v) {
        return v && json_array_append_new(list, v) == 0 ? 0 : -ENOMEM;
}

static int build_namespaces(json_t *host, const struct ctr_spec_input *in, json_t **ret) {
        _cleanup_json_ json_t *ns = json_array();
        int r = ns ? 0 : -ENOMEM;

        if (r == 0 && strcmp(ctr_jstr(host, "PidMode"), "host") != 0)
                r = push(ns, json_pack("{s:s}", "type", "pid"));
        if (r == 0 && !in->host_network)
                r = push(ns, in->netns_path
                                 ? json_pack("{s:s,s:s}", "type", "network", "path", in->netns_path)
                                 : json_pack("{s:s}", "type", "network"));
        if (r == 0)
                r = push(ns, json_pack("{s:s}", "type", "ipc"));
        if (r == 0 && strcmp(ctr_jstr(host, "UTSMode"), "host") != 0)
                r = push(ns, json_pack("{s:s}", "type", "uts"));
        if (r == 0)
                r = push(ns, json_pack("{s:s}", "type", "mount"));
        if (r == 0 && strcmp(ctr_jstr(host, "CgroupnsMode"), "host") != 0)
                r = push(ns, json_pack("{s:s}", "type", "cgroup"));
        if (r == 0)
                *ret = TAKE_PTR(ns);
        return r;
}

/* The device cgroup rules Docker gives: deny all, allow mknod and the nodes of a minimal /dev. */
static json_t *device_rules(bool privileged) {
        static const struct {
                const char *type;
                int major, minor;       /* -1 = any */
                const char *access;
        } allow[] = {
                { "c", -1, -1, "m" },   { "b", -1, -1, "m" },                   /* mknod */
                { "c", 1, 3, "rwm" },   { "c", 1, 5, "rwm" },   { "c", 1, 7, "rwm" },
                { "c", 1, 8, "rwm" },   { "c", 1, 9, "rwm" },                   /* mem devices */
                { "c", 5, 0, "rwm" },   { "c", 5, 1, "rwm" },   { "c", 5, 2, "rwm" },
                { "c", 136, -1, "rwm" },                                        /* ttys, pts */
                { "c", 10, 200, "rwm" },                                        /* tun */
        };
        json_t *rules = json_array();

        if (privileged) {
                if (push(rules, json_pack("{s:b,s:s}", "allow", true, "access", "rwm")) < 0)
                        goto fail;
                return rules;
        }
        if (push(rules, json_pack("{s:b,s:s}", "allow", false, "access", "rwm")) < 0)
                goto fail;
        for (size_t i = 0; i < sizeof(allow) / sizeof(*allow); i++) {
                json_t *r = json_pack("{s:b,s:s,s:s}", "allow", true, "type", allow[i].type,
                                      "access", allow[i].access);
                if (r && allow[i].major >= 0 &&
                    ctr_jset_new(r, "major", json_integer(allow[i].major)) < 0)
                        goto fail;
                if (r && allow[i].minor >= 0 &&
                    ctr_jset_new(r, "minor", json_integer(allow[i].minor)) < 0)
                        goto fail;
                if (push(rules, r) < 0)
                        goto fail;
        }
        return rules;
fail:
        json_decref(rules);
        return NULL;
}

static int set_if(json_t *obj, const char *key, json_int_t v, bool cond) {
        return cond ? ctr_jset_new(obj, key, json_integer(v)) : 0;
}

static int build_resources(json_t *host, json_t **ret) {
        _cleanup_json_ json_t *res = json_object(), *mem = json_object(), *cpu = json_object();
        int64_t nano = ctr_jint(host, "NanoCpus"), shares = ctr_jint(host, "CpuShares");
        json_t *devices = device_rules(ctr_jbool(host, "Privileged"));

        if (!res || !mem || !cpu || ctr_jset_new(res, "devices", devices) < 0)
                return -ENOMEM;
        /* The kernel's cpu.shares range is 2..262144; Docker clamps the same way. */
        if (shares > 0)
                shares = shares < 2 ? 2 : shares > 262144 ? 262144 : shares;
        if (set_if(mem, "limit", ctr_jint(host, "Memory"), ctr_jint(host, "Memory") > 0) < 0 ||
            set_if(mem, "reservation", ctr_jint(host, "MemoryReservation"),
                   ctr_jint(host, "MemoryReservation") > 0) < 0 ||
            set_if(mem, "swap", ctr_jint(host, "MemorySwap"),
                   ctr_jint(host, "MemorySwap") != 0) < 0 ||
            set_if(cpu, "shares", shares, shares > 0) < 0 ||
            set_if(cpu, "period", nano ? CPU_PERIOD_DEFAULT : ctr_jint(host, "CpuPeriod"),
                   nano || ctr_jint(host, "CpuPeriod")) < 0 ||
            set_if(cpu, "quota",
                   nano ? nano * CPU_PERIOD_DEFAULT / 1000000000 : ctr_jint(host, "CpuQuota"),
                   nano || ctr_jint(host, "CpuQuota")) < 0)
                return -ENOMEM;
        if (*ctr_jstr(host, "CpusetCpus") &&
            ctr_jset_new(cpu, "cpus", json_string(ctr_jstr(host, "CpusetCpus"))) < 0)
                return -ENOMEM;
        if (*ctr_jstr(host, "CpusetMems") &&
            ctr_jset_new(cpu, "mems", json_string(ctr_jstr(host, "CpusetMems"))) < 0)
                return -ENOMEM;
        if ((json_object_size(mem) && ctr_jset(res, "memory", mem) < 0) ||
            (json_object_size(cpu) && ctr_jset(res, "cpu", cpu) < 0))
                return -ENOMEM;
        if (ctr_jint(host, "PidsLimit") > 0 &&
            ctr_jset_new(res, "pids", json_pack("{s:I}", "limit",
                                                (json_int_t) ctr_jint(host, "PidsLimit"))) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(res);
        return 0;
}

static int build_seccomp(json_t *host, uint64_t caps, json_t *lx, struct ctrd_error *err) {
        _cleanup_(ctr_secopt_done) struct ctr_secopt so = { 0 };
        json_t *sc = NULL;
        int r;

        if (ctr_jbool(host, "Privileged"))
                return 0;
        if ((r = ctr_secopt_parse(ctr_jget(host, "SecurityOpt"), &so, err)) < 0)
                return r;
        if (so.seccomp_unconfined)
                return 0;
        r = so.seccomp_profile ? ctr_seccomp_from_profile(so.seccomp_profile, caps, &sc, err)
                               : ctr_seccomp_default(caps, &sc, err);
        if (r < 0)
                return r;
        if (ctr_jset_new(lx, "seccomp", sc) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        return 0;
}

static int add_paths(json_t *host, json_t *lx) {
        /* Privileged drops them all; otherwise HostConfig already holds Docker's defaults. */
        if (ctr_jbool(host, "Privileged"))
                return 0;
        json_t *masked = ctr_jget(host, "MaskedPaths"), *ro = ctr_jget(host, "ReadonlyPaths");
        if (ctr_jset_new(lx, "maskedPaths", masked ? json_deep_copy(masked) : json_array()) < 0 ||
            ctr_jset_new(lx, "readonlyPaths", ro ? json_deep_copy(ro) : json_array()) < 0)
                return -ENOMEM;
        return 0;
}

int ctr_spec_linux(json_t *host, const struct ctr_spec_input *in, uint64_t caps,
                   json_t **ret, struct ctrd_error *err) {
        _cleanup_json_ json_t *lx = json_object();
        json_t *ns = NULL, *res = NULL, *devices = NULL;
        int r;

        if (!lx || build_namespaces(host, in, &ns) < 0 ||
            ctr_jset_new(lx, "namespaces", ns) < 0 || build_resources(host, &res) < 0 ||
            ctr_jset_new(lx, "resources", res) < 0 ||
            (in->cgroups_path &&
             ctr_jset_new(lx, "cgroupsPath", json_string(in->cgroups_path)) < 0) ||
            add_paths(host, lx) < 0 ||
            (ctr_jget(host, "Sysctls") && ctr_jset(lx, "sysctl", ctr_jget(host, "Sysctls")) < 0))
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if ((r = build_seccomp(host, caps, lx, err)) < 0)
                return r;
        if (ctr_jbool(host, "Privileged")) {
                if ((r = ctr_spec_host_devices("/dev", &devices, err)) < 0)
                        return r;
                if (ctr_jset_new(lx, "devices", devices) < 0)
                        return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        *ret = TAKE_PTR(lx);
        return 0;
}
