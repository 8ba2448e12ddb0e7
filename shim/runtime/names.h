/*
 * Name tables: the strings config.json uses for capabilities, rlimits,
 * seccomp actions / architectures / operators and mount options, mapped to the
 * kernel's numbers. Each table lives in its own small file and has unit tests;
 * unknown names are errors (-EINVAL), never skipped.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

/* "CAP_CHOWN" -> 0 ... ; -EINVAL when unknown. */
int rt_cap_from_name(const char *name);
const char *rt_cap_to_name(int cap);
/* The highest capability number we know by name. */
int rt_cap_last(void);

/* "RLIMIT_NOFILE" -> RLIMIT_NOFILE; -EINVAL when unknown. */
int rt_rlimit_from_name(const char *name);
const char *rt_rlimit_to_name(int resource);

/* "SCMP_ACT_ERRNO" with errno_ret -> SCMP_ACT_ERRNO(errno_ret); -EINVAL when unknown. */
int rt_seccomp_action_from_name(const char *name, uint32_t errno_ret, uint32_t *ret);
/* "SCMP_ARCH_X86_64" -> SCMP_ARCH_X86_64. */
int rt_seccomp_arch_from_name(const char *name, uint32_t *ret);
/* "SCMP_CMP_EQ" -> SCMP_CMP_EQ. */
int rt_seccomp_op_from_name(const char *name, int *ret);

/* "rprivate" -> MS_PRIVATE|MS_REC (rootfsPropagation and mount options). */
int rt_propagation_from_name(const char *name, unsigned long *ret);

/*
 * Splits OCI mount options into MS_* flags to set, a propagation change and
 * the filesystem data string ("mode=755,size=65536k"). Options that clear a
 * flag ("rw", "suid", "dev", ...) simply leave it unset, as a fresh mount
 * starts with none. data is a heap string or NULL when there is none.
 */
int rt_mount_options(char *const *options, unsigned long *flags, unsigned long *propagation,
                     char **data, struct ctrd_error *err);
