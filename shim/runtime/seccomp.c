#include "seccomp.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "seccomp-cache.h"

static void ctx_releasep(scmp_filter_ctx *ctx) {
        if (*ctx)
                seccomp_release(*ctx);
}

static int add_rule(scmp_filter_ctx ctx, uint32_t default_action,
                    const struct rt_seccomp_rule *rule, const char *name,
                    struct ctrd_error *err) {
        struct scmp_arg_cmp cmp[6];
        int nr = seccomp_syscall_resolve_name(name);

        if (nr == __NR_SCMP_ERROR)
                return 0;
        /* libseccomp refuses a rule that repeats the default action; it is a no-op anyway. */
        if (rule->action == default_action)
                return 0;
        for (size_t i = 0; i < rule->n_args && i < 6; i++)
                cmp[i] = (struct scmp_arg_cmp) {
                        .arg = rule->args[i].index,
                        .op = (enum scmp_compare) rule->args[i].op,
                        .datum_a = rule->args[i].value,
                        .datum_b = rule->args[i].value_two,
                };
        int r = seccomp_rule_add_array(ctx, rule->action, nr,
                                       (unsigned) (rule->n_args < 6 ? rule->n_args : 6), cmp);
        if (r < 0)
                return ctrd_error_sys(err, -r, "seccomp: adding rule for '%s'", name);
        return 0;
}

static int build(const struct rt_seccomp *sc, scmp_filter_ctx *ret, struct ctrd_error *err) {
        _cleanup_(ctx_releasep) scmp_filter_ctx ctx = seccomp_init(sc->default_action);
        int r;

        if (!ctx)
                return ctrd_error_set(err, EINVAL, "seccomp: bad default action");
        for (size_t i = 0; i < sc->n_arches; i++) {
                r = seccomp_arch_add(ctx, sc->arches[i]);
                if (r < 0 && r != -EEXIST)
                        return ctrd_error_sys(err, -r, "seccomp: adding architecture %u",
                                              sc->arches[i]);
        }
        for (size_t i = 0; i < sc->n_rules; i++)
                for (char **n = sc->rules[i].names; *n; n++)
                        if ((r = add_rule(ctx, sc->default_action, &sc->rules[i], *n, err)) < 0)
                                return r;
        *ret = TAKE_PTR(ctx);
        return 0;
}

/* libseccomp 2.5 exports the program only to an fd: a memfd, read back whole. */
static int export_program(scmp_filter_ctx ctx, struct rt_seccomp_filter *f, struct ctrd_error *err) {
        _cleanup_close_ int fd = memfd_create("ctrd-seccomp", MFD_CLOEXEC);
        struct stat st;
        int r;

        if (fd < 0)
                return ctrd_error_sys(err, errno, "seccomp: memfd_create");
        if ((r = seccomp_export_bpf(ctx, fd)) < 0)
                return ctrd_error_sys(err, -r, "seccomp: compiling the filter");
        if (fstat(fd, &st) < 0)
                return ctrd_error_sys(err, errno, "seccomp: fstat on the compiled filter");
        size_t size = (size_t) st.st_size;
        if (size == 0 || size % sizeof(struct sock_filter) != 0 ||
            size / sizeof(struct sock_filter) > BPF_MAXINSNS)
                return ctrd_error_set(err, E2BIG, "seccomp: the compiled filter has %zu bytes, "
                                      "more than the kernel takes (%d instructions)",
                                      size, BPF_MAXINSNS);
        f->insns = malloc(size);
        if (!f->insns)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        ssize_t n = pread(fd, f->insns, size, 0);
        if (n != (ssize_t) size)
                return ctrd_error_sys(err, n < 0 ? errno : EIO, "seccomp: reading the compiled filter");
        f->len = size / sizeof(struct sock_filter);
        return 0;
}

int rt_seccomp_compile(const struct rt_seccomp *sc, struct rt_seccomp_filter **ret,
                       struct ctrd_error *err) {
        _cleanup_(ctx_releasep) scmp_filter_ctx ctx = NULL;
        struct rt_seccomp_filter *f;
        int r;

        if ((r = build(sc, &ctx, err)) < 0)
                return r;
        if (!(f = calloc(1, sizeof(*f))))
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if ((r = export_program(ctx, f, err)) < 0) {
                rt_seccomp_free(f);
                return r;
        }
        *ret = f;
        return 0;
}

int rt_seccomp_prepare(const struct rt_seccomp *sc, const char *cache_dir,
                       struct rt_seccomp_filter **ret, struct ctrd_error *err) {
        _cleanup_free_ char *key = NULL;
        size_t key_len = 0;
        int r;

        if (cache_dir && (r = rt_seccomp_cache_key(sc, &key, &key_len)) < 0)
                return ctrd_error_sys(err, -r, "seccomp: cache key");
        if (key) {
                struct rt_seccomp_filter *f = calloc(1, sizeof(*f));
                if (!f)
                        return ctrd_error_set(err, ENOMEM, "out of memory");
                if (rt_seccomp_cache_get(cache_dir, key, key_len, &f->insns, &f->len) == 0) {
                        *ret = f;
                        return 0;
                }
                free(f);
        }
        if ((r = rt_seccomp_compile(sc, ret, err)) < 0)
                return r;
        /* A cache we cannot write only costs the next start a compilation. */
        if (key) {
                struct ctrd_error ignored = { 0 };
                rt_seccomp_cache_put(cache_dir, key, key_len, (*ret)->insns, (*ret)->len, &ignored);
        }
        return 0;
}

int rt_seccomp_load(const struct rt_seccomp_filter *f) {
        struct sock_fprog prog = { .len = (unsigned short) f->len, .filter = f->insns };

        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
                return 0;
        if (errno == ENOSYS && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0)
                return 0;
        return -errno;
}

void rt_seccomp_free(struct rt_seccomp_filter *f) {
        if (!f)
                return;
        free(f->insns);
        free(f);
}
