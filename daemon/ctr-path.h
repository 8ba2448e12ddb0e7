/*
 * Opening a file inside a container's root filesystem from the daemon. The
 * rootfs is untrusted: an image (or a container that ran before) can make
 * /etc/passwd a symlink to the host's /etc/shadow, or a FIFO that blocks us
 * forever. Paths are resolved as if rootfd were "/" (symlinks and ".."
 * never leave it): openat2(RESOLVE_IN_ROOT) where the kernel has it, an
 * fd-by-fd walk otherwise.
 */
#pragma once

#include <stddef.h>

#include "error.h"

/* Opens path (as seen inside the root) with open flags (O_CLOEXEC is added). */
int ctr_open_in_root(int rootfd, const char *path, int flags, struct ctrd_error *err);

/* The walk alone, for kernels without openat2 (and for the tests). */
int ctr_open_in_root_walk(int rootfd, const char *path, int flags, struct ctrd_error *err);

/*
 * Reads a regular file (at most max bytes) inside the root into a
 * NUL-terminated heap buffer. Not a regular file -> -EINVAL; absent ->
 * -ENOENT (not reported in err: callers treat a missing file as empty).
 */
int ctr_read_in_root(int rootfd, const char *path, size_t max, char **ret,
                     struct ctrd_error *err);
