#include "registry-layer.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "daemon/digest.h"

#define PROGRESS_NS (100 * 1000 * 1000)
#define PIPE_BUFFER (1024 * 1024)

/*
 * One fetch of a chainID at a time, across the threads of a pull and the
 * workers of concurrent pulls: a flock on tmp/pull-<hex>.lock. The holder
 * unlinks the file as it lets go, so a waiter that wakes up holding a lock
 * on a file no longer in the directory tries again.
 */
static int busy_claim(struct layer_store *ls, const char *path, const char *chain, int *ret_fd,
                      struct ctrd_error *err) {
        for (;;) {
                _cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
                struct stat held, named;
                if (fd < 0)
                        return ctrd_error_sys(err, errno, "opening '%s'", path);
                while (flock(fd, LOCK_EX) < 0)
                        if (errno != EINTR)
                                return ctrd_error_sys(err, errno, "locking '%s'", path);
                if (fstat(fd, &held) < 0)
                        return ctrd_error_sys(err, errno, "checking '%s'", path);
                if (stat(path, &named) < 0 || named.st_ino != held.st_ino || named.st_dev != held.st_dev)
                        continue;
                if (layer_store_exists(ls, chain)) {
                        unlink(path);
                        return 0;
                }
                *ret_fd = TAKE_FD(fd);
                return 1;
        }
}

static void busy_release(const char *path, int fd) {
        unlink(path);
        safe_close(fd);
}

/* The download half: registry → hash, count → socket. */
struct fetch {
        const struct registry_layer_job *job;
        int fd;                         /* our end of the socketpair */
        struct digest_ctx hash;
        uint64_t bytes;
        struct timespec last_report;
        int r;
        struct ctrd_error err;
};

static uint64_t ns_since(const struct timespec *t, struct timespec *now) {
        clock_gettime(CLOCK_MONOTONIC, now);
        return (uint64_t) (now->tv_sec - t->tv_sec) * 1000000000u + (uint64_t) now->tv_nsec -
               (uint64_t) t->tv_nsec;
}

static int fetch_sink(void *userdata, const void *data, size_t len) {
        struct fetch *f = userdata;
        struct timespec now;
        f->bytes += len;
        if ((int64_t) f->bytes > f->job->blob->size)
                return -EFBIG;  /* more than the manifest promised: stop, do not fill the disk */
        digest_update(&f->hash, data, len);
        for (const char *p = data; len > 0;) {
                /* MSG_NOSIGNAL: when the extraction gave up, fail with EPIPE rather than die. */
                ssize_t n = send(f->fd, p, len, MSG_NOSIGNAL);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                p += n;
                len -= (size_t) n;
        }
        if (f->job->progress && ns_since(&f->last_report, &now) >= PROGRESS_NS) {
                f->last_report = now;
                f->job->progress(f->job->userdata, f->bytes, (uint64_t) f->job->blob->size);
        }
        return 0;
}

static void *fetch_main(void *userdata) {
        struct fetch *f = userdata;
        uint64_t got = 0;
        f->r = registry_stream_blob(f->job->client, f->job->blob->digest, fetch_sink, f, &got, &f->err);
        /* EOF for the extraction, whether the blob is whole or not. */
        shutdown(f->fd, SHUT_WR);
        return NULL;
}

/* Reads what the extraction left unread (tar padding after the end marker) so the hash sees it all. */
static void drain(int fd) {
        char buf[64 * 1024];
        while (read(fd, buf, sizeof(buf)) > 0)
                ;
}

static int check_blob(struct fetch *f, struct ctrd_error *err) {
        char actual[DIGEST_STR_LEN + 1];
        const struct registry_blob *b = f->job->blob;
        if (f->r < 0)
                return ctrd_error_set(err, -f->r, "%s", f->err.msg);
        if (digest_final(&f->hash, actual) < 0)
                return ctrd_error_set(err, EIO, "hashing layer %s", b->digest);
        if ((int64_t) f->bytes != b->size)
                return ctrd_error_set(err, EBADMSG, "layer %s: %" PRIu64 " bytes arrived, the "
                                      "manifest says %" PRId64, b->digest, f->bytes, b->size);
        if (strcmp(actual, b->digest) != 0)
                return ctrd_error_set(err, EBADMSG, "layer %s: the registry sent a blob whose "
                                      "digest is %s", b->digest, actual);
        return 0;
}

static int fetch_and_unpack(const struct registry_layer_job *job, struct layer_store_result *ret,
                            struct ctrd_error *err) {
        int sv[2];
        pthread_t th;
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
                return ctrd_error_sys(err, errno, "creating a socketpair for layer %s", job->blob->digest);
        int size = PIPE_BUFFER;
        setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
        setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
        struct fetch f = { .job = job, .fd = sv[1] };
        clock_gettime(CLOCK_MONOTONIC, &f.last_report);
        int r = digest_init(&f.hash);
        if (r >= 0 && (r = -pthread_create(&th, NULL, fetch_main, &f)) < 0)
                digest_done(&f.hash);
        if (r < 0) {
                safe_close(sv[0]);
                safe_close(sv[1]);
                return ctrd_error_set(err, -r, "starting the download of layer %s", job->blob->digest);
        }
        struct ctrd_error uerr = { 0 };
        int ur = layer_store_unpack(job->layers, sv[0], job->parent_chain, job->diff_id, true, ret, &uerr);
        if (ur >= 0)
                drain(sv[0]);
        else
                shutdown(sv[0], SHUT_RDWR);     /* the download stops at its next send */
        pthread_join(th, NULL);
        safe_close(sv[0]);
        safe_close(sv[1]);
        /*
         * A download that broke on its own explains a failed extraction; one
         * that failed only because the extraction hung up (EPIPE) does not.
         */
        bool broke = f.r < 0 && f.r != -EPIPE && f.r != -ECONNRESET;
        r = ur < 0 && !broke ? ctrd_error_set(err, -ur, "%s", uerr.msg) : check_blob(&f, err);
        digest_done(&f.hash);
        if (r < 0 && ur >= 0 && !ret->existed)
                layer_store_remove(job->layers, ret->chain_id, NULL);
        return r;
}

int registry_layer_pull(const struct registry_layer_job *job, struct layer_store_result *ret,
                        struct ctrd_error *err) {
        char chain[DIGEST_STR_LEN + 1];
        _cleanup_free_ char *lock = NULL;
        int fd = -EBADF;
        if (digest_chain_id(job->parent_chain, job->diff_id, chain) < 0)
                return ctrd_error_set(err, EINVAL, "invalid diffID %s", job->diff_id);
        if (asprintf(&lock, "%s/tmp/pull-%s.lock", layer_store_root(job->layers), digest_hex(chain)) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        int r = busy_claim(job->layers, lock, chain, &fd, err);
        if (r < 0)
                return ctrd_error_wrap(err, "pulling layer %s", job->blob->digest);
        if (r == 0)
                return layer_store_info(job->layers, chain, ret, err);
        r = fetch_and_unpack(job, ret, err);
        busy_release(lock, fd);
        if (r < 0)
                return ctrd_error_wrap(err, "pulling layer %s", job->blob->digest);
        return 0;
}
