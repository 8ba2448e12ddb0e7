/*
 * Capability sets for containers: names as Docker accepts them in CapAdd /
 * CapDrop ("CAP_NET_ADMIN", "NET_ADMIN", "net_admin", "ALL"), Docker's
 * default set, and the arithmetic Docker applies. A set is a bit mask,
 * bit N = capability N.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "error.h"

/* Docker's default capability set (14 capabilities). */
#define CTR_CAPS_DEFAULT_NAMES                                                        \
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",     \
        "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",      \
        "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"

/* "CAP_CHOWN" / "chown" / "Cap_Chown" -> 0; -EINVAL when unknown. */
int ctr_cap_from_name(const char *name);
/* "CAP_CHOWN" for 0; NULL beyond the last known capability. */
const char *ctr_cap_name(int cap);
/* Every capability we know by name. */
uint64_t ctr_caps_known(void);
uint64_t ctr_caps_default(void);

/*
 * Normalizes the CapAdd or CapDrop list (field names it in messages) into a
 * new JSON list of "CAP_*" names (or "ALL"); unknown names give Docker's
 * "invalid CapAdd: unknown capability: \"CAP_FOO\"".
 */
int ctr_caps_normalize(json_t *list, const char *field, json_t **ret, struct ctrd_error *err);

/* The capability bounding set of this process, from /proc/self/status. */
int ctr_caps_bounding(uint64_t *ret, struct ctrd_error *err);

/*
 * The effective set of a container, as Docker computes it: all of host for
 * Privileged; otherwise the default set (or all with CapAdd ALL), minus
 * CapDrop (everything with ALL), plus the named CapAdd entries. The result
 * never exceeds host (the caps the daemon itself can hand out).
 */
int ctr_caps_compute(json_t *cap_add, json_t *cap_drop, bool privileged, uint64_t host,
                     uint64_t *ret, struct ctrd_error *err);

/* The set as a JSON list of names, lowest number first. */
json_t *ctr_caps_to_json(uint64_t caps);
