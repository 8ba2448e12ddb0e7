/* Shared by the ctr-spec*.c files only. */
#pragma once

#include <jansson.h>
#include <stdint.h>

#include "ctr-spec.h"
#include "error.h"

/* The "mounts" list: Docker's default filesystems, the user's mounts, the /etc files. */
int ctr_spec_mounts(json_t *config, json_t *host, const struct ctr_spec_input *in,
                    json_t **ret, struct ctrd_error *err);

/* The "linux" object; caps is the container's capability set (for seccomp). */
int ctr_spec_linux(json_t *host, const struct ctr_spec_input *in, uint64_t caps,
                   json_t **ret, struct ctrd_error *err);

/* linux.devices for a privileged container: every char/block device node under dev_root
 * ("/dev"), with Docker's exclusions. */
int ctr_spec_host_devices(const char *dev_root, json_t **ret, struct ctrd_error *err);
