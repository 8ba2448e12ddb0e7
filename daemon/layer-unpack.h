/*
 * The per-entry half of layer extraction (layer-extract.h describes the
 * rules): writes one libarchive entry below a layer root without ever
 * leaving it. Internal to the layer code.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "error.h"

struct archive;
struct archive_entry;

struct layer_unpack {
        int rootfd;
        bool allow_devices;
        uint64_t size;                  /* regular file bytes written so far */
        /* Directory mtimes are set at the end: creating children changes them. */
        struct layer_unpack_dir {
                char *path;
                struct timespec times[2];
        } *dirs;
        size_t n_dirs;
};

int layer_unpack_entry(struct layer_unpack *u, struct archive *a, struct archive_entry *e,
                       struct ctrd_error *err);

/* Applies the deferred directory times and frees the state. */
int layer_unpack_finish(struct layer_unpack *u, struct ctrd_error *err);
void layer_unpack_free(struct layer_unpack *u);

/*
 * openat() of path resolved inside rootfd as if it were "/" (openat2
 * RESOLVE_IN_ROOT; without openat2, a walk that refuses symlinks). Returns
 * the fd, or -1 with errno set.
 */
int layer_unpack_open_in_root(int rootfd, const char *path, int flags);

/*
 * Opens the parent directory of the cleaned path inside the root (O_PATH),
 * creating missing directories when create is set, and points *ret_base at
 * the last component. Used by the copy driver too.
 */
int layer_unpack_open_parent(int rootfd, const char *path, bool create, int *ret_fd,
                             const char **ret_base, struct ctrd_error *err);
