/* linux.seccomp compiled with libseccomp; built early, loaded last. */
#pragma once

#include "shim/runtime/spec.h"

struct rt_seccomp_filter;

/*
 * Compiles sc. Syscall names this libseccomp does not know are skipped, as
 * runc does: profiles list syscalls of every architecture and kernel.
 */
int rt_seccomp_build(const struct rt_seccomp *sc, struct rt_seccomp_filter **ret,
                     struct ctrd_error *err);
/* Loads the filter into the calling thread. */
int rt_seccomp_load(struct rt_seccomp_filter *f);
void rt_seccomp_free(struct rt_seccomp_filter *f);
