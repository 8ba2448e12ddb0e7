#include "hostinfo.h"

#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cleanup.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

static const char *go_arch(const char *machine) {
        static const struct { const char *uname, *go; } map[] = {
                { "x86_64", "amd64" }, { "aarch64", "arm64" }, { "armv7l", "arm" },
                { "i686", "386" }, { "ppc64le", "ppc64le" }, { "s390x", "s390x" },
                { "riscv64", "riscv64" },
        };
        for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
                if (strcmp(map[i].uname, machine) == 0)
                        return map[i].go;
        return machine;
}

/* Copies the value of KEY= from os-release, without quotes. */
static void os_release_value(const char *key, char *out, size_t outlen) {
        _cleanup_fclose_ FILE *f = fopen("/etc/os-release", "re");
        if (!f)
                f = fopen("/usr/lib/os-release", "re");
        if (!f)
                return;
        char line[512];
        size_t klen = strlen(key);
        while (fgets(line, sizeof(line), f)) {
                if (strncmp(line, key, klen) != 0 || line[klen] != '=')
                        continue;
                char *v = line + klen + 1;
                v[strcspn(v, "\n")] = '\0';
                size_t n = strlen(v);
                if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
                        v[n - 1] = '\0';
                        v++;
                }
                snprintf(out, outlen, "%s", v);
                return;
        }
}

static int read_int_file(const char *path) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        int v = 0;
        if (!f || fscanf(f, "%d", &v) != 1)
                return 0;
        return v;
}

void host_info_read(struct host_info *h) {
        *h = (struct host_info) { 0 };
        struct utsname u;
        if (uname(&u) == 0) {
                snprintf(h->kernel, sizeof(h->kernel), "%s", u.release);
                snprintf(h->machine, sizeof(h->machine), "%s", u.machine);
        }
        h->go_arch = go_arch(h->machine);
        os_release_value("PRETTY_NAME", h->os_name, sizeof(h->os_name));
        os_release_value("VERSION_ID", h->os_version, sizeof(h->os_version));
        if (gethostname(h->hostname, sizeof(h->hostname) - 1) < 0)
                h->hostname[0] = '\0';
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        h->ncpu = n > 0 ? (int) n : 1;
        long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
        h->mem_total = pages > 0 && psize > 0 ? (int64_t) pages * psize : 0;
        struct statfs sfs;
        h->cgroup_version = statfs("/sys/fs/cgroup", &sfs) == 0 &&
                            sfs.f_type == CGROUP2_SUPER_MAGIC ? 2 : 1;
        h->ipv4_forwarding = read_int_file("/proc/sys/net/ipv4/ip_forward");
}
