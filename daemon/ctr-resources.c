/*
 * The resource fields of a HostConfig: Docker's ranges and messages, and
 * the values Docker fills in (MemorySwap twice Memory, PidsLimit <= 0 and
 * MemorySwappiness -1 meaning "not set").
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ctr-config-internal.h"
#include "ctr-config.h"
#include "ctr-json.h"
#include "ctr-rlimit.h"
#include "string-util.h"

#define NANO 1000000000LL

static int nomem(struct ctrd_error *err) {
        return ctrd_error_set(err, ENOMEM, "out of memory");
}

static int check_memory(json_t *h, struct ctrd_error *err) {
        int64_t mem = ctr_jint(h, "Memory"), res = ctr_jint(h, "MemoryReservation");
        int64_t swap = ctr_jint(h, "MemorySwap");

        if (mem != 0 && mem < CTR_MEMORY_MIN)
                return ctrd_error_set(err, EINVAL, "Minimum memory limit allowed is 6MB");
        if (res != 0 && res < CTR_MEMORY_MIN)
                return ctrd_error_set(err, EINVAL, "Minimum memory reservation allowed is 6MB");
        if (mem > 0 && res > mem)
                return ctrd_error_set(err, EINVAL,
                                      "Minimum memory limit can not be less than memory "
                                      "reservation limit, see usage");
        if (swap > 0 && mem == 0)
                return ctrd_error_set(err, EINVAL,
                                      "You should always set the Memory limit when using "
                                      "Memoryswap limit, see usage");
        if (swap > 0 && swap < mem)
                return ctrd_error_set(err, EINVAL,
                                      "Minimum memoryswap limit should be larger than memory "
                                      "limit, see usage");
        if (swap < -1)
                return ctrd_error_set(err, EINVAL,
                                      "HostConfig.MemorySwap: must be -1 (unlimited), 0 or at "
                                      "least Memory");
        /* Docker's default swap allowance is as much swap as memory (limit twice Memory). */
        if (mem > 0 && swap == 0 && ctr_jset_new(h, "MemorySwap", json_integer(2 * mem)) < 0)
                return nomem(err);

        json_t *sw = ctr_jget(h, "MemorySwappiness");
        if (sw && json_integer_value(sw) != -1) {
                if (json_integer_value(sw) < 0 || json_integer_value(sw) > 100)
                        return ctrd_error_set(err, EINVAL,
                                              "Invalid value: %lld, valid memory swappiness "
                                              "range is 0-100",
                                              (long long) json_integer_value(sw));
                return ctrd_error_set(err, EINVAL,
                                      "HostConfig.MemorySwappiness is not supported by ctrd");
        }
        return ctr_jset(h, "MemorySwappiness", NULL) < 0 ? nomem(err) : 0;
}

static int check_nano_cpus(json_t *h, struct ctrd_error *err) {
        int64_t nano = ctr_jint(h, "NanoCpus");
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

        if (nano == 0)
                return 0;
        if (ctr_jint(h, "CpuPeriod"))
                return ctrd_error_set(err, EINVAL,
                                      "Conflicting options: Nano CPUs and CPU Period cannot both "
                                      "be set");
        if (ctr_jint(h, "CpuQuota"))
                return ctrd_error_set(err, EINVAL,
                                      "Conflicting options: Nano CPUs and CPU Quota cannot both "
                                      "be set");
        if (ncpu < 1)
                ncpu = 1;
        /* 0.01 CPU is a quota of 1000 us per 100 ms, the kernel's smallest. */
        if (nano < NANO / 100 || nano > ncpu * NANO)
                return ctrd_error_set(err, EINVAL,
                                      "Range of CPUs is from 0.01 to %ld.00, as there are only "
                                      "%ld CPUs available", ncpu, ncpu);
        return 0;
}

static int check_cpu(json_t *h, struct ctrd_error *err) {
        int64_t period = ctr_jint(h, "CpuPeriod"), quota = ctr_jint(h, "CpuQuota");
        int r;

        if (ctr_jint(h, "CpuShares") < 0)
                return ctrd_error_set(err, EINVAL, "HostConfig.CpuShares: must not be negative");
        if (quota < 0)
                return ctrd_error_set(err, EINVAL, "HostConfig.CpuQuota: must not be negative");
        if (period != 0 && (period < 1000 || period > 1000000))
                return ctrd_error_set(err, EINVAL,
                                      "CPU cfs period can not be less than 1ms (i.e. 1000) or "
                                      "larger than 1s (i.e. 1000000)");
        if (quota != 0 && quota < 1000)
                return ctrd_error_set(err, EINVAL,
                                      "CPU cfs quota can not be less than 1ms (i.e. 1000)");
        if ((r = check_nano_cpus(h, err)) < 0)
                return r;
        return 0;
}

/* "0-3,5,7-8": what the kernel's cpuset list parser takes. */
static bool valid_cpuset(const char *s) {
        while (*s) {
                int64_t lo, hi;
                const char *end = s + strcspn(s, ",");
                char item[32];
                if ((size_t) (end - s) >= sizeof(item) || end == s)
                        return false;
                memcpy(item, s, (size_t) (end - s));
                item[end - s] = '\0';
                char *dash = strchr(item, '-');
                if (dash)
                        *dash++ = '\0';
                if (ctrd_parse_int64(item, 0, 8191, &lo) < 0 ||
                    (dash && ctrd_parse_int64(dash, lo, 8191, &hi) < 0))
                        return false;
                s = *end ? end + 1 : end;
                if (*end && !*s)
                        return false;
        }
        return true;
}

static int check_cpuset(json_t *h, struct ctrd_error *err) {
        if (!valid_cpuset(ctr_jstr(h, "CpusetCpus")))
                return ctrd_error_set(err, EINVAL, "Invalid value %s for cpuset cpus",
                                      ctr_jstr(h, "CpusetCpus"));
        if (!valid_cpuset(ctr_jstr(h, "CpusetMems")))
                return ctrd_error_set(err, EINVAL, "Invalid value %s for cpuset mems",
                                      ctr_jstr(h, "CpusetMems"));
        return 0;
}

static int check_misc(json_t *h, struct ctrd_error *err) {
        int64_t oom = ctr_jint(h, "OomScoreAdj");
        json_t *pids = ctr_jget(h, "PidsLimit");

        if (oom < -1000 || oom > 1000)
                return ctrd_error_set(err, EINVAL,
                                      "Invalid value %lld, range for oom score adj is "
                                      "[-1000, 1000]", (long long) oom);
        /* Docker stores "no limit" (0, -1 or any negative) as null. */
        if (pids && json_integer_value(pids) <= 0 && ctr_jset(h, "PidsLimit", NULL) < 0)
                return nomem(err);
        return 0;
}

/* Only sysctls that the container's own namespaces isolate, as Docker allows. */
static int check_sysctls(json_t *h, struct ctrd_error *err) {
        static const char *const ipc[] = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
                                           "kernel.sem", "kernel.shmall", "kernel.shmmax",
                                           "kernel.shmmni", "kernel.shm_rmid_forced", NULL };
        json_t *v;
        const char *key;

        json_object_foreach(ctr_jget(h, "Sysctls"), key, v) {
                bool ok = ctrd_startswith(key, "fs.mqueue.");
                for (size_t i = 0; !ok && ipc[i]; i++)
                        ok = strcmp(key, ipc[i]) == 0;
                if (ctrd_startswith(key, "net.")) {
                        if (strcmp(ctr_jstr(h, "NetworkMode"), "host") == 0)
                                return ctrd_error_set(err, EINVAL,
                                                      "sysctl '%s' not allowed in host network "
                                                      "namespace", key);
                        ok = true;
                }
                if (!ok || strstr(key, "..") || strchr(key, '/'))
                        return ctrd_error_set(err, EINVAL, "sysctl '%s' is not allowed", key);
        }
        return 0;
}

int ctr_resources_check(json_t *host, struct ctrd_error *err) {
        int r;

        if ((r = check_memory(host, err)) < 0 ||
            (r = check_cpu(host, err)) < 0 ||
            (r = check_cpuset(host, err)) < 0 ||
            (r = check_misc(host, err)) < 0 ||
            (r = ctr_rlimits_check(ctr_jget(host, "Ulimits"), err)) < 0 ||
            (r = check_sysctls(host, err)) < 0)
                return r;
        return 0;
}
