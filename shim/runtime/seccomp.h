/*
 * linux.seccomp as a BPF program: compiled with libseccomp, or read back from
 * a cache of earlier compilations (seccomp-cache.h), then loaded last with
 * seccomp(2). Compiling Docker's default profile costs libseccomp ~7 ms, more
 * than the rest of a container's start, and every container of an engine
 * uses the same few profiles.
 */
#pragma once

#include <linux/filter.h>

#include "shim/runtime/spec.h"

struct rt_seccomp_filter {
        struct sock_filter *insns;
        size_t len;
};

/*
 * The program for sc. With cache_dir (may be NULL) an earlier compilation of
 * the same profile by the same libseccomp is reused, and a new one is added.
 * Syscall names this libseccomp does not know are skipped, as runc does:
 * profiles list syscalls of every architecture and kernel.
 */
int rt_seccomp_prepare(const struct rt_seccomp *sc, const char *cache_dir,
                       struct rt_seccomp_filter **ret, struct ctrd_error *err);

/*
 * Loads the program into the calling thread; -errno on failure. Unlike
 * libseccomp's seccomp_load() this does not set no_new_privs: the spec's
 * noNewPrivileges decides that, as under runc.
 */
int rt_seccomp_load(const struct rt_seccomp_filter *f);

void rt_seccomp_free(struct rt_seccomp_filter *f);
static inline void rt_seccomp_freep(struct rt_seccomp_filter **f) {
        rt_seccomp_free(*f);
}

/* libseccomp's compilation alone, for rt_seccomp_prepare and the tests. */
int rt_seccomp_compile(const struct rt_seccomp *sc, struct rt_seccomp_filter **ret,
                       struct ctrd_error *err);
