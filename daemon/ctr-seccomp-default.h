/*
 * ctrd's built-in seccomp profile, written for ctrd (docs/seccomp.md says
 * what it allows and how it differs from Docker's default), and the
 * conversion of a user's profile in Docker's format (what
 * "seccomp=<json>" carries) to the OCI linux.seccomp object the shim reads.
 * Both depend on the container's capabilities, as Docker's do: a
 * capability that lets a process do something also opens the syscalls for it.
 */
#pragma once

#include <jansson.h>
#include <stdint.h>

#include "error.h"

/* linux.seccomp for the default profile and capability set caps (bit N = cap N). */
int ctr_seccomp_default(uint64_t caps, json_t **ret, struct ctrd_error *err);

/* linux.seccomp for a Docker-format profile, its rules filtered by caps and by this
 * machine's architecture and kernel. */
int ctr_seccomp_from_profile(json_t *profile, uint64_t caps, json_t **ret,
                             struct ctrd_error *err);

/* The SCMP_ARCH_* names a profile for this machine lists (native first). */
json_t *ctr_seccomp_native_arches(void);
