/*
 * Unpacking one layer archive into a directory, safely.
 *
 * The input is a tar stream, plain or compressed with gzip, zstd, xz or
 * bzip2 (detected by libarchive). While unpacking we hash both the bytes as
 * read (the blob digest a registry or OCI layout names) and the uncompressed
 * tar stream (the diffID an image config names), and can keep a compressed
 * copy of that stream so save can hand back byte-identical layers.
 *
 * Every file-system write is fd-relative to the layer root: parents are
 * resolved with openat2(RESOLVE_IN_ROOT) (or, without openat2, a walk that
 * refuses symlinks), and the last component is created with *at calls that
 * never follow symlinks. Names that climb out of the root, hardlinks whose
 * target does, symlinks that point above the root, device nodes (outside
 * dev/, and there only when allowed) and trusted.overlay.* xattrs from the
 * archive are refused.
 * Whiteouts become overlay whiteouts (layer-whiteout.h).
 *
 * This runs on the uv threadpool; it does no logging and keeps no globals.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "daemon/digest.h"
#include "error.h"

struct layer_extract_opts {
        bool allow_devices;             /* create char/block devices (other than 0/0) under dev/ */
        const char *keep_tar_path;      /* NULL, or where to store the compressed tar stream */
};

struct layer_extract_result {
        char diff_id[DIGEST_STR_LEN + 1];       /* sha256 of the uncompressed tar */
        char blob_digest[DIGEST_STR_LEN + 1];   /* sha256 of the bytes as read */
        uint64_t tar_size;                      /* uncompressed tar length */
        uint64_t size;                          /* sum of regular file sizes */
};

/* Unpacks the archive read from fd into the directory rootfd. */
int layer_extract(int fd, int rootfd, const struct layer_extract_opts *opts,
                  struct layer_extract_result *ret, struct ctrd_error *err);
