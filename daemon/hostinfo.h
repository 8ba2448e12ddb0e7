/* Facts about the host that /version and /info report. */
#pragma once

#include <stdint.h>

struct host_info {
        char kernel[65];                /* uname release */
        char machine[65];               /* uname machine: x86_64, aarch64, ... */
        const char *go_arch;            /* the same in Go's spelling: amd64, arm64, ... */
        char os_name[128];              /* os-release PRETTY_NAME */
        char os_version[64];            /* os-release VERSION_ID */
        char hostname[65];
        int ncpu;
        int64_t mem_total;              /* bytes */
        int cgroup_version;             /* 1 (legacy or hybrid) or 2 */
        int ipv4_forwarding;            /* net.ipv4.ip_forward */
};

/* Fills what it can; facts it cannot read are left empty or 0. */
void host_info_read(struct host_info *ret);
