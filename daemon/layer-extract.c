/*
 * Two libarchive readers stacked: the outer one reads the file descriptor
 * (hashing the bytes as read: the blob digest) and undoes any compression
 * as a "raw" format; the inner one parses tar from the outer one's output,
 * which our callback hashes on the way through (the diffID) and can copy,
 * recompressed, to the kept tar. After the inner reader's end-of-archive we
 * drain the outer one so the padding after it is hashed too, as Docker does.
 */
#include "layer-extract.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "cleanup.h"
#include "daemon/layer-unpack.h"

#define READ_CHUNK (128 * 1024)

struct tar_source {
        int fd;
        struct archive *outer;
        struct archive *keep;           /* raw writer with a compression filter, or NULL */
        struct digest_ctx blob, diff;
        uint64_t tar_size;
        int io_errno;                   /* set when reading fd or writing the kept copy failed */
        char raw[READ_CHUNK];
        char plain[READ_CHUNK];
};

static la_ssize_t outer_read(struct archive *a, void *userdata, const void **buf) {
        struct tar_source *s = userdata;
        for (;;) {
                ssize_t n = read(s->fd, s->raw, sizeof(s->raw));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        s->io_errno = errno;
                        archive_set_error(a, errno, "reading the layer");
                        return -1;
                }
                digest_update(&s->blob, s->raw, (size_t) n);
                *buf = s->raw;
                return n;
        }
}

/* Feeds the uncompressed bytes to the diffID hash and the kept copy. */
static int consume_plain(struct tar_source *s, size_t n) {
        digest_update(&s->diff, s->plain, n);
        s->tar_size += n;
        if (s->keep && n > 0 && archive_write_data(s->keep, s->plain, n) < 0) {
                s->io_errno = archive_errno(s->keep) > 0 ? archive_errno(s->keep) : EIO;
                return -1;
        }
        return 0;
}

static la_ssize_t inner_read(struct archive *a, void *userdata, const void **buf) {
        struct tar_source *s = userdata;
        la_ssize_t n = archive_read_data(s->outer, s->plain, sizeof(s->plain));
        if (n < 0) {
                archive_set_error(a, EIO, "%s", archive_error_string(s->outer));
                return -1;
        }
        if (consume_plain(s, (size_t) n) < 0) {
                archive_set_error(a, s->io_errno, "writing the kept layer copy");
                return -1;
        }
        *buf = s->plain;
        return n;
}

static int drain_outer(struct tar_source *s, struct ctrd_error *err) {
        for (;;) {
                la_ssize_t n = archive_read_data(s->outer, s->plain, sizeof(s->plain));
                if (n == 0)
                        return 0;
                if (n < 0)
                        return ctrd_error_set(err, EIO, "reading the layer: %s",
                                              archive_error_string(s->outer));
                if (consume_plain(s, (size_t) n) < 0)
                        return ctrd_error_sys(err, s->io_errno, "writing the kept layer copy");
        }
}

static void archive_freep(struct archive **a) {
        if (*a)
                archive_read_free(*a);
}

static int open_outer(struct tar_source *s, struct ctrd_error *err) {
        struct archive_entry *e;
        s->outer = archive_read_new();
        if (!s->outer)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        archive_read_support_filter_all(s->outer);
        archive_read_support_format_raw(s->outer);
        if (archive_read_open(s->outer, s, NULL, outer_read, NULL) != ARCHIVE_OK ||
            archive_read_next_header(s->outer, &e) != ARCHIVE_OK)
                return ctrd_error_set(err, s->io_errno ? s->io_errno : EINVAL,
                                      "opening the layer stream: %s",
                                      archive_error_string(s->outer));
        return 0;
}

/*
 * The kept copy is the uncompressed tar, zstd-compressed when libarchive
 * can (gzip otherwise): cheap to store, and save can reproduce the exact
 * bytes the diffID names.
 */
static int open_keep(struct tar_source *s, const char *path, struct ctrd_error *err) {
        s->keep = archive_write_new();
        if (!s->keep)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if (archive_write_add_filter_zstd(s->keep) != ARCHIVE_OK &&
            archive_write_add_filter_gzip(s->keep) != ARCHIVE_OK)
                return ctrd_error_set(err, ENOTSUP, "no compressor for the kept layer copy");
        archive_write_set_format_raw(s->keep);
        archive_write_set_bytes_in_last_block(s->keep, 1);
        if (archive_write_open_filename(s->keep, path) != ARCHIVE_OK)
                return ctrd_error_set(err, archive_errno(s->keep) > 0 ? archive_errno(s->keep) : EIO,
                                      "creating '%s': %s", path, archive_error_string(s->keep));
        struct archive_entry *e = archive_entry_new();
        if (!e)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_pathname(e, "layer.tar");
        int k = archive_write_header(s->keep, e);
        archive_entry_free(e);
        if (k != ARCHIVE_OK)
                return ctrd_error_set(err, EIO, "starting '%s': %s", path,
                                      archive_error_string(s->keep));
        return 0;
}

static int close_keep(struct tar_source *s, struct ctrd_error *err) {
        if (!s->keep)
                return 0;
        int k = archive_write_close(s->keep);
        archive_write_free(s->keep);
        s->keep = NULL;
        if (k != ARCHIVE_OK)
                return ctrd_error_set(err, EIO, "finishing the kept layer copy");
        return 0;
}

static int unpack_all(struct tar_source *s, int rootfd, const struct layer_extract_opts *opts,
                      uint64_t *ret_size, struct ctrd_error *err) {
        _cleanup_(archive_freep) struct archive *inner = archive_read_new();
        struct layer_unpack u = { .rootfd = rootfd, .allow_devices = opts && opts->allow_devices };
        struct archive_entry *e;
        int r = 0, k;

        if (!inner)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        archive_read_support_format_tar(inner);
        archive_read_support_format_gnutar(inner);
        if (archive_read_open(inner, s, NULL, inner_read, NULL) != ARCHIVE_OK)
                return ctrd_error_set(err, EINVAL, "reading the layer: %s",
                                      archive_error_string(inner));
        while (r >= 0 && (k = archive_read_next_header(inner, &e)) != ARCHIVE_EOF) {
                if (k < ARCHIVE_WARN)
                        r = ctrd_error_set(err, s->io_errno ? s->io_errno : EINVAL,
                                           "reading the layer: %s", archive_error_string(inner));
                else
                        r = layer_unpack_entry(&u, inner, e, err);
        }
        if (r >= 0)
                r = layer_unpack_finish(&u, err);
        layer_unpack_free(&u);
        *ret_size = u.size;
        return r;
}

int layer_extract(int fd, int rootfd, const struct layer_extract_opts *opts,
                  struct layer_extract_result *ret, struct ctrd_error *err) {
        _cleanup_free_ struct tar_source *s = calloc(1, sizeof(*s));
        uint64_t size = 0;
        if (!s)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        s->fd = fd;
        int r = digest_init(&s->blob);
        if (r >= 0)
                r = digest_init(&s->diff);
        if (r < 0) {
                digest_done(&s->blob);
                return ctrd_error_set(err, -r, "starting sha256");
        }
        r = open_outer(s, err);
        if (r >= 0 && opts && opts->keep_tar_path)
                r = open_keep(s, opts->keep_tar_path, err);
        if (r >= 0)
                r = unpack_all(s, rootfd, opts, &size, err);
        if (r >= 0)
                r = drain_outer(s, err);
        if (r >= 0)
                r = close_keep(s, err);
        if (s->keep)
                archive_write_free(s->keep);
        if (s->outer)
                archive_read_free(s->outer);
        if (r >= 0) {
                /* The blob hash must also cover what the decompressor never asked for. */
                ssize_t n;
                while ((n = read(fd, s->raw, sizeof(s->raw))) > 0)
                        digest_update(&s->blob, s->raw, (size_t) n);
                if (digest_final(&s->diff, ret->diff_id) < 0 ||
                    digest_final(&s->blob, ret->blob_digest) < 0)
                        r = ctrd_error_set(err, EIO, "finishing the layer's sha256");
        }
        digest_done(&s->diff);
        digest_done(&s->blob);
        if (r < 0)
                return r;
        ret->tar_size = s->tar_size;
        ret->size = size;
        return 0;
}
