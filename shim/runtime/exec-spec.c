/*
 * The spec of an exec: the container's config.json parsed again by the same
 * parser (so the exec gets exactly what the start validated), then the
 * exec's overrides. Reading it again instead of keeping the start's copy
 * keeps rt_container_exec usable by any caller that knows the bundle, such
 * as a future `exec` command of an OCI runtime CLI.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "cleanup.h"
#include "shim/runtime/exec-internal.h"

static size_t strv_length(char *const *l) {
        size_t n = 0;
        while (l && l[n])
                n++;
        return n;
}

static char **strv_copy(char *const *l) {
        size_t n = strv_length(l);
        char **c = calloc(n + 1, sizeof(char *));
        for (size_t i = 0; c && i < n; i++)
                if (!(c[i] = strdup(l[i]))) {
                        strv_free(c);
                        return NULL;
                }
        return c;
}

/* The length of the "K" in "K=V" (all of a bare "K"). */
static size_t key_len(const char *kv) {
        return strcspn(kv, "=");
}

static bool same_key(const char *a, const char *b) {
        size_t n = key_len(a);
        return n == key_len(b) && strncmp(a, b, n) == 0;
}

/* The last entry of overlay for a's key, or NULL. */
static const char *overlay_find(char *const *overlay, const char *a) {
        const char *found = NULL;
        for (size_t i = 0; overlay && overlay[i]; i++)
                if (same_key(overlay[i], a))
                        found = overlay[i];
        return found;
}

/* Adds kv to l (which has room) unless its key is there already. */
static int add_unique(char **l, size_t *n, const char *kv) {
        if (!strchr(kv, '='))
                return 0;       /* a bare "K" only removes */
        for (size_t i = 0; i < *n; i++)
                if (same_key(l[i], kv))
                        return 0;
        if (!(l[*n] = strdup(kv)))
                return -ENOMEM;
        (*n)++;
        return 0;
}

int rt_exec_env_overlay(char *const *base, char *const *overlay, char ***ret) {
        _cleanup_strv_free_ char **l = calloc(strv_length(base) + strv_length(overlay) + 1,
                                              sizeof(char *));
        size_t n = 0;

        if (!l)
                return -ENOMEM;
        /* In base's order, each key once, the overlay's value winning. */
        for (size_t i = 0; base && base[i]; i++) {
                const char *o = overlay_find(overlay, base[i]);
                if (add_unique(l, &n, o ? o : base[i]) < 0)
                        return -ENOMEM;
        }
        for (size_t i = 0; overlay && overlay[i]; i++)
                if (add_unique(l, &n, overlay_find(overlay, overlay[i])) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
}

/* Every capability our bounding set still has: what a privileged exec gets. */
static uint64_t bounding_set(void) {
        uint64_t caps = 0;
        for (int cap = 0; cap < 64; cap++) {
                int v = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
                if (v < 0)
                        break;  /* past the kernel's last capability */
                if (v == 1)
                        caps |= UINT64_C(1) << cap;
        }
        return caps;
}

static int override_user(struct rt_spec *s, const struct rt_exec_user *u) {
        gid_t *gids = calloc(u->n_additional_gids + 1, sizeof(gid_t));
        if (!gids)
                return -ENOMEM;
        if (u->n_additional_gids)
                memcpy(gids, u->additional_gids, u->n_additional_gids * sizeof(gid_t));
        free(s->additional_gids);
        s->additional_gids = gids;
        s->n_additional_gids = u->n_additional_gids;
        s->uid = u->uid;
        s->gid = u->gid;
        return 0;
}

/* Drops linux.seccomp through rt_spec_free, the one function that knows its layout. */
static int drop_seccomp(struct rt_spec *s) {
        struct rt_spec *holder = calloc(1, sizeof(*holder));
        if (!holder)
                return -ENOMEM;
        holder->seccomp = TAKE_PTR(s->seccomp);
        rt_spec_free(holder);
        return 0;
}

static int make_privileged(struct rt_spec *s) {
        uint64_t all = bounding_set();
        s->has_caps = true;
        s->caps[RT_CAP_BOUNDING] = all;
        s->caps[RT_CAP_EFFECTIVE] = all;
        s->caps[RT_CAP_PERMITTED] = all;
        s->caps[RT_CAP_INHERITABLE] &= all;
        s->caps[RT_CAP_AMBIENT] &= all;
        return drop_seccomp(s);
}

int rt_exec_spec_override(struct rt_spec *s, const struct rt_exec_opts *o, struct ctrd_error *err) {
        char **args = NULL, **env = NULL;
        char *cwd = NULL;

        if (!o->args || !o->args[0] || !o->args[0][0])
                return ctrd_error_set(err, EINVAL, "exec: no command given");
        if (o->cwd && o->cwd[0] != '/')
                return ctrd_error_set(err, EINVAL, "exec: working directory '%s' is not absolute",
                                      o->cwd);
        if (!(args = strv_copy(o->args)) || rt_exec_env_overlay(s->env, o->env, &env) < 0 ||
            (o->cwd && !(cwd = strdup(o->cwd))) || (o->user && override_user(s, o->user) < 0)) {
                strv_free(args);
                strv_free(env);
                free(cwd);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        strv_free(s->args);
        s->args = args;
        strv_free(s->env);
        s->env = env;
        if (cwd) {
                free(s->cwd);
                s->cwd = cwd;
        }
        s->terminal = o->terminal;
        /* The uts namespace is joined as it is now: the container may have renamed itself. */
        free(s->hostname);
        s->hostname = NULL;
        if (o->privileged && make_privileged(s) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        return 0;
}

int rt_exec_spec_load(const struct rt_exec_opts *opts, struct rt_spec **ret, struct ctrd_error *err) {
        struct rt_spec *s = NULL;
        int r = rt_spec_load(opts->bundle, &s, err);

        if (r < 0)
                return r;
        if ((r = rt_exec_spec_override(s, opts, err)) < 0) {
                rt_spec_free(s);
                return r;
        }
        *ret = s;
        return 0;
}
