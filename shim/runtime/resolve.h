/*
 * Paths inside a container's rootfs, resolved the way the container will
 * see them: a symlink is followed relative to the rootfs, and ".." or an
 * absolute link target never climbs above it. So an image whose /etc is a
 * symlink to "/" or "../../.." cannot make us mount or write on a host path.
 *
 * rt_resolve_walk() does the lookup in user space, one component at a time
 * (every component is checked with AT_SYMLINK_NOFOLLOW), and can create what
 * is missing. rt_resolve_open() opens its result with openat2(RESOLVE_IN_ROOT)
 * where the kernel has it, so a symlink swapped in after the walk still
 * cannot escape; on kernels without openat2 it falls back to O_NOFOLLOW.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

enum rt_resolve_flags {
        RT_RESOLVE_MKDIR = 1 << 0,      /* create missing directories, the last one too */
        RT_RESOLVE_MKFILE = 1 << 1,     /* create missing parents, and the last as a file */
};

/*
 * Resolves path (absolute or relative, taken from the rootfs top) under the
 * directory rootfd; *ret is the symlink-free path relative to rootfd ("" for
 * the root itself). -ENOENT when a component is missing and not created,
 * -ELOOP after 40 links.
 */
int rt_resolve_walk(int rootfd, const char *path, int flags, char **ret);

/* rt_resolve_walk, then an O_PATH (plus extra open flags) fd of the result. */
int rt_resolve_open(int rootfd, const char *path, int flags, int open_flags,
                    struct ctrd_error *err);
