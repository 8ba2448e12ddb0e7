/* Shared by ctr-mounts.c and ctr-mounts-api.c only. */
#pragma once

#include "ctr-mounts.h"

/* A new zeroed entry at the end of m; NULL when out of memory. */
struct ctr_mount *ctr_mounts_add(struct ctr_mounts *m);

/* Cleans an absolute path into a heap string; -EINVAL for a relative path or a ".."
 * component (we refuse to guess where it leads). */
int ctr_mount_clean_path(const char *in, char **ret);

/* The flags and key=value options a tmpfs accepts; appends the data options to *data. */
int ctr_tmpfs_options(const char *opts, char **data, bool *readonly, bool *exec,
                      struct ctrd_error *err);

/* One HostConfig.Mounts entry. */
int ctr_mount_from_api(json_t *m, size_t i, struct ctr_mounts *out, struct ctrd_error *err);
