#include "seccomp-cache.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs-util.h"

#define CACHE_MAGIC "CTRDBPF1"
#define KEY_MAX (1u << 20)

/* magic, key length, instruction count, checksum; then the key and the program. */
struct cache_header {
        char magic[8];
        uint32_t key_len;
        uint32_t n_insns;
        uint64_t checksum;
};

static uint64_t fnv1a(uint64_t h, const void *data, size_t len) {
        const unsigned char *p = data;
        for (size_t i = 0; i < len; i++) {
                h ^= p[i];
                h *= 0x100000001b3ULL;
        }
        return h;
}

#define FNV_BASIS 0xcbf29ce484222325ULL

int rt_seccomp_cache_key(const struct rt_seccomp *sc, char **ret, size_t *ret_len) {
        const struct scmp_version *v = seccomp_version();
        char *buf = NULL;
        size_t len = 0;
        _cleanup_(fclosep) FILE *f = open_memstream(&buf, &len);

        if (!f)
                return -errno;
        fprintf(f, "ctrd seccomp cache 1\nlibseccomp %u.%u.%u\nnative %u\ndefault %u\narches",
                v->major, v->minor, v->micro, seccomp_arch_native(), sc->default_action);
        for (size_t i = 0; i < sc->n_arches; i++)
                fprintf(f, " %u", sc->arches[i]);
        for (size_t i = 0; i < sc->n_rules; i++) {
                const struct rt_seccomp_rule *r = &sc->rules[i];
                /* Names are length-prefixed: a profile's names are any JSON string. */
                fprintf(f, "\nrule %u names", r->action);
                for (char **n = r->names; *n; n++)
                        fprintf(f, " %zu:%s", strlen(*n), *n);
                fputs(" args", f);
                for (size_t a = 0; a < r->n_args; a++)
                        fprintf(f, " %u,%d,%ju,%ju", r->args[a].index, r->args[a].op,
                                (uintmax_t) r->args[a].value, (uintmax_t) r->args[a].value_two);
        }
        fputc('\n', f);
        int failed = ferror(f);
        if (fclose(TAKE_PTR(f)) != 0 || failed || len > KEY_MAX) {
                free(buf);
                return len > KEY_MAX ? -E2BIG : -ENOMEM;
        }
        *ret = buf;
        *ret_len = len;
        return 0;
}

static void file_name(const char *key, size_t key_len, char name[static 32]) {
        snprintf(name, 32, "%016jx.bpf", (uintmax_t) fnv1a(FNV_BASIS, key, key_len));
}

/* The cache directory, if only we can write it. create: make it first when missing. */
static int open_dir(const char *dir, bool create) {
        struct stat st;

        if (create && mkdir(dir, 0700) < 0 && errno != EEXIST)
                return -errno;
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022)) {
                close(fd);
                return -EPERM;
        }
        return fd;
}

static uint64_t checksum(const char *key, size_t key_len, const struct sock_filter *insns,
                         size_t len) {
        return fnv1a(fnv1a(FNV_BASIS, key, key_len), insns, len * sizeof(*insns));
}

int rt_seccomp_cache_get(const char *dir, const char *key, size_t key_len,
                         struct sock_filter **ret, size_t *ret_len) {
        _cleanup_close_ int dfd = open_dir(dir, false), fd = -EBADF;
        _cleanup_free_ char *data = NULL;
        struct cache_header h;
        struct stat st;
        char name[32];

        if (dfd < 0)
                return dfd;
        file_name(key, key_len, name);
        if ((fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        size_t max = sizeof(h) + key_len + BPF_MAXINSNS * sizeof(struct sock_filter);
        if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (size_t) st.st_size > max ||
            (size_t) st.st_size < sizeof(h) + key_len)
                return -ENOENT;
        size_t size = (size_t) st.st_size;
        if (!(data = malloc(size)))
                return -ENOMEM;
        if (pread(fd, data, size, 0) != (ssize_t) size)
                return -ENOENT;
        memcpy(&h, data, sizeof(h));
        size_t n = h.n_insns;
        if (memcmp(h.magic, CACHE_MAGIC, sizeof(h.magic)) != 0 || h.key_len != key_len ||
            n == 0 || n > BPF_MAXINSNS || size != sizeof(h) + key_len + n * sizeof(struct sock_filter) ||
            memcmp(data + sizeof(h), key, key_len) != 0)
                return -ENOENT;
        struct sock_filter *insns = malloc(n * sizeof(*insns));
        if (!insns)
                return -ENOMEM;
        memcpy(insns, data + sizeof(h) + key_len, n * sizeof(*insns));
        if (checksum(key, key_len, insns, n) != h.checksum) {
                free(insns);
                return -ENOENT;
        }
        *ret = insns;
        *ret_len = n;
        return 0;
}

int rt_seccomp_cache_put(const char *dir, const char *key, size_t key_len,
                         const struct sock_filter *insns, size_t len, struct ctrd_error *err) {
        _cleanup_close_ int dfd = open_dir(dir, true), fd = -EBADF;
        char name[32], tmp[64];

        if (dfd < 0)
                return ctrd_error_sys(err, -dfd, "seccomp cache: opening %s", dir);
        if (len == 0 || len > BPF_MAXINSNS || key_len > KEY_MAX)
                return ctrd_error_set(err, E2BIG, "seccomp cache: program or key too large");
        file_name(key, key_len, name);
        snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int) getpid());
        fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                return ctrd_error_sys(err, errno, "seccomp cache: creating %s/%s", dir, tmp);
        struct cache_header h = { .key_len = (uint32_t) key_len, .n_insns = (uint32_t) len,
                                  .checksum = checksum(key, key_len, insns, len) };
        memcpy(h.magic, CACHE_MAGIC, sizeof(h.magic));
        int r;
        if ((r = ctrd_write_all(fd, &h, sizeof(h))) < 0 ||
            (r = ctrd_write_all(fd, key, key_len)) < 0 ||
            (r = ctrd_write_all(fd, insns, len * sizeof(*insns))) < 0) {
                unlinkat(dfd, tmp, 0);
                return ctrd_error_sys(err, -r, "seccomp cache: writing %s/%s", dir, tmp);
        }
        /* No fsync: the cache lives in the run root, and a torn file is a miss. */
        if (renameat(dfd, tmp, dfd, name) < 0) {
                r = -errno;
                unlinkat(dfd, tmp, 0);
                return ctrd_error_sys(err, -r, "seccomp cache: renaming %s/%s", dir, tmp);
        }
        return 0;
}
