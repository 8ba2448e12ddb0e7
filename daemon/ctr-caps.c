/* Capability names and Docker's CapAdd / CapDrop arithmetic; see ctr-caps.h. */
#include "ctr-caps.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "macro.h"

/* Indexed by capability number (linux/capability.h up to CAP_CHECKPOINT_RESTORE). */
static const char *const cap_names[] = {
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
        "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
        "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
        "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
        "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
        "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
        "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
        "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
        "CAP_CHECKPOINT_RESTORE",
};

int ctr_cap_from_name(const char *name) {
        /* Docker accepts the name with or without "CAP_", in any case. */
        const char *bare = strncasecmp(name, "CAP_", 4) == 0 ? name + 4 : name;
        for (size_t i = 0; i < ARRAY_SIZE(cap_names); i++)
                if (strcasecmp(cap_names[i] + 4, bare) == 0)
                        return (int) i;
        return -EINVAL;
}

const char *ctr_cap_name(int cap) {
        if (cap < 0 || (size_t) cap >= ARRAY_SIZE(cap_names))
                return NULL;
        return cap_names[cap];
}

uint64_t ctr_caps_known(void) {
        return (UINT64_C(1) << ARRAY_SIZE(cap_names)) - 1;
}

uint64_t ctr_caps_default(void) {
        static const char *const names[] = { CTR_CAPS_DEFAULT_NAMES };
        uint64_t set = 0;
        for (size_t i = 0; i < ARRAY_SIZE(names); i++)
                set |= UINT64_C(1) << ctr_cap_from_name(names[i]);
        return set;
}

/* Docker names the capability as it normalizes it: upper case, with "CAP_". */
static int unknown(const char *field, const char *name, struct ctrd_error *err) {
        char up[64];
        size_t i = 0;

        if (strncasecmp(name, "CAP_", 4) != 0)
                i = (size_t) snprintf(up, sizeof(up), "CAP_");
        for (; *name && i + 1 < sizeof(up); name++)
                up[i++] = (char) toupper((unsigned char) *name);
        up[i] = '\0';
        return ctrd_error_set(err, EINVAL, "invalid %s: unknown capability: \"%s\"", field, up);
}

int ctr_caps_normalize(json_t *list, const char *field, json_t **ret, struct ctrd_error *err) {
        json_t *out = json_array(), *v;
        size_t i;

        if (!out)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        json_array_foreach(list, i, v) {
                const char *s = json_string_value(v);
                int cap = strcasecmp(s, "ALL") == 0 ? -1 : ctr_cap_from_name(s);
                if (cap == -EINVAL) {
                        json_decref(out);
                        return unknown(field, s, err);
                }
                if (json_array_append_new(out, json_string(cap < 0 ? "ALL" : cap_names[cap])) < 0) {
                        json_decref(out);
                        return ctrd_error_set(err, ENOMEM, "out of memory");
                }
        }
        *ret = out;
        return 0;
}

int ctr_caps_bounding(uint64_t *ret, struct ctrd_error *err) {
        _cleanup_fclose_ FILE *f = fopen("/proc/self/status", "re");
        char line[256];
        unsigned long long v;

        if (!f)
                return ctrd_error_sys(err, errno, "opening /proc/self/status");
        while (fgets(line, sizeof(line), f))
                if (sscanf(line, "CapBnd: %llx", &v) == 1) {
                        *ret = (uint64_t) v;
                        return 0;
                }
        return ctrd_error_set(err, EIO, "/proc/self/status: no CapBnd line");
}

/* Bits of a normalized list; *all tells whether "ALL" was in it. */
static int list_bits(json_t *list, const char *field, uint64_t *bits, bool *all,
                     struct ctrd_error *err) {
        json_t *v;
        size_t i;

        *bits = 0;
        *all = false;
        json_array_foreach(list, i, v) {
                const char *s = json_string_value(v);
                if (!s)
                        return ctrd_error_set(err, EINVAL, "%s[%zu]: expected a string", field, i);
                if (strcasecmp(s, "ALL") == 0) {
                        *all = true;
                        continue;
                }
                int cap = ctr_cap_from_name(s);
                if (cap < 0)
                        return unknown(field, s, err);
                *bits |= UINT64_C(1) << cap;
        }
        return 0;
}

int ctr_caps_compute(json_t *cap_add, json_t *cap_drop, bool privileged, uint64_t host,
                     uint64_t *ret, struct ctrd_error *err) {
        uint64_t add, drop, set;
        bool add_all, drop_all;
        int r;

        host &= ctr_caps_known();
        if (privileged) {
                *ret = host;
                return 0;
        }
        if ((r = list_bits(cap_add, "CapAdd", &add, &add_all, err)) < 0 ||
            (r = list_bits(cap_drop, "CapDrop", &drop, &drop_all, err)) < 0)
                return r;
        set = add_all ? ctr_caps_known() : ctr_caps_default();
        set = drop_all ? 0 : set & ~drop;
        /* What is added by name wins over a drop, as in Docker. */
        set |= add;
        if (drop_all && add_all)
                set = ctr_caps_known();
        *ret = set & host;
        return 0;
}

json_t *ctr_caps_to_json(uint64_t caps) {
        json_t *a = json_array();
        for (size_t i = 0; a && i < ARRAY_SIZE(cap_names); i++)
                if ((caps & (UINT64_C(1) << i)) &&
                    json_array_append_new(a, json_string(cap_names[i])) < 0) {
                        json_decref(a);
                        return NULL;
                }
        return a;
}
