/*
 * Compiled seccomp programs on disk, one file per profile, so a profile is
 * compiled once per engine rather than once per container.
 *
 * The key is a byte string naming everything the program depends on: the
 * libseccomp version, the native architecture and every field of the
 * profile. The file name is a 64-bit hash of the key, and the file holds the
 * key itself, so a hash collision or a stale file is a miss, never another
 * profile's program. A checksum over key and program turns a torn or
 * corrupted file into a miss too. The directory must be ours and not
 * writable by anyone else, or it is not used at all: whoever can write it
 * chooses the filters of our containers.
 */
#pragma once

#include <linux/filter.h>
#include <stddef.h>

#include "shim/runtime/spec.h"

/* The key of sc (malloc'd, not NUL-terminated: names are length-prefixed). */
int rt_seccomp_cache_key(const struct rt_seccomp *sc, char **ret, size_t *ret_len);

/*
 * The cached program for key: 0 and a malloc'd copy, -ENOENT on a miss (no
 * file, another key, a bad checksum), other -errno when dir cannot be used.
 */
int rt_seccomp_cache_get(const char *dir, const char *key, size_t key_len,
                         struct sock_filter **ret, size_t *ret_len);

/* Stores a program under key (write and rename, so readers see all or nothing). */
int rt_seccomp_cache_put(const char *dir, const char *key, size_t key_len,
                         const struct sock_filter *insns, size_t len, struct ctrd_error *err);
