#include "seccomp.h"

#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>

struct rt_seccomp_filter {
        scmp_filter_ctx ctx;
};

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

int rt_seccomp_build(const struct rt_seccomp *sc, struct rt_seccomp_filter **ret,
                     struct ctrd_error *err) {
        struct rt_seccomp_filter *f = calloc(1, sizeof(*f));
        int r;

        if (!f)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        f->ctx = seccomp_init(sc->default_action);
        if (!f->ctx) {
                free(f);
                return ctrd_error_set(err, EINVAL, "seccomp: bad default action");
        }
        for (size_t i = 0; i < sc->n_arches; i++) {
                r = seccomp_arch_add(f->ctx, sc->arches[i]);
                if (r < 0 && r != -EEXIST) {
                        rt_seccomp_free(f);
                        return ctrd_error_sys(err, -r, "seccomp: adding architecture %u",
                                              sc->arches[i]);
                }
        }
        for (size_t i = 0; i < sc->n_rules; i++)
                for (char **n = sc->rules[i].names; *n; n++)
                        if ((r = add_rule(f->ctx, sc->default_action, &sc->rules[i], *n,
                                          err)) < 0) {
                                rt_seccomp_free(f);
                                return r;
                        }
        *ret = f;
        return 0;
}

int rt_seccomp_load(struct rt_seccomp_filter *f) {
        return seccomp_load(f->ctx);
}

void rt_seccomp_free(struct rt_seccomp_filter *f) {
        if (!f)
                return;
        seccomp_release(f->ctx);
        free(f);
}
