/*
 * Tree operations on layer directories: removing a tree fd-relatively, and
 * applying a layer onto a directory the way overlayfs would show it (the
 * copy storage driver). Both run on the threadpool.
 */
#pragma once

#include "error.h"

/* Removes dirfd/name, recursively if it is a directory; a missing name is fine. Returns -errno. */
int layer_fs_remove_at(int dirfd, const char *name);

/* Removes path (a tree) if it exists. */
int layer_fs_remove_path(const char *path, struct ctrd_error *err);

/*
 * Copies the layer tree at srcfd onto dstfd: 0/0 character devices delete
 * what they name, a directory with trusted.overlay.opaque=y hides what was
 * below it, everything else is copied with owner, mode, xattrs, times and
 * hardlinks (within this layer) kept.
 */
int layer_fs_apply(int srcfd, int dstfd, struct ctrd_error *err);
