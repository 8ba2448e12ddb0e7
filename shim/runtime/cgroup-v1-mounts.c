/*
 * Which cgroup v1 hierarchies a host has, and where: read from mountinfo
 * rather than assumed, because distributions differ (cpu and cpuacct are one
 * "cpu,cpuacct" hierarchy on most, two on some; the named systemd hierarchy
 * and a hybrid host's cgroup2 at "unified" may or may not be there). Every
 * hierarchy mounted directly under the root is joined, as runc does, so the
 * container's /proc/self/cgroup has no foreign paths.
 *
 * A mountinfo line (proc(5)):
 *   36 25 0:31 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory
 *   id parent dev root mountpoint opts [optional...] - fstype source superopts
 */
#include "cgroup-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

#define MAX_FIELDS 32

struct mount_line {
        const char *dev;        /* "major:minor": one hierarchy can be mounted twice */
        const char *mountpoint;
        const char *fstype;
        const char *superopts;
};

/* Splits one line in place; false for lines that are not well-formed. */
static bool parse_line(char *line, struct mount_line *ret) {
        char *f[MAX_FIELDS];
        size_t n = 0, sep = 0;
        char *save = NULL;

        for (char *t = strtok_r(line, " \n", &save); t && n < MAX_FIELDS;
             t = strtok_r(NULL, " \n", &save)) {
                if (sep == 0 && n >= 6 && strcmp(t, "-") == 0)
                        sep = n;
                f[n++] = t;
        }
        if (sep == 0 || n < sep + 4)
                return false;
        *ret = (struct mount_line) { .dev = f[2], .mountpoint = f[4], .fstype = f[sep + 1],
                                     .superopts = f[sep + 3] };
        return true;
}

/* true when mountpoint is root/<name> with a single component name. */
static bool directly_under(const char *mountpoint, const char *root) {
        size_t n = strlen(root);
        return strncmp(mountpoint, root, n) == 0 && mountpoint[n] == '/' && mountpoint[n + 1] &&
               !strchr(mountpoint + n + 1, '/');
}

static bool seen_dev(char **devs, size_t n, const char *dev) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(devs[i], dev) == 0)
                        return true;
        return false;
}

static int add_dir(struct rt_cgroup *cg, const struct mount_line *m, char ***devs,
                   struct ctrd_error *err) {
        struct rt_cgroup_dir *d = reallocarray(cg->dirs, cg->n_dirs + 1, sizeof(*d));
        if (!d)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        cg->dirs = d;
        char **v = reallocarray(*devs, cg->n_dirs + 1, sizeof(*v));
        if (!v)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        *devs = v;

        d = &cg->dirs[cg->n_dirs];
        *d = (struct rt_cgroup_dir) { 0 };
        v[cg->n_dirs] = strdup(m->dev);
        cg->n_dirs++;
        /* The cgroup2 mount of a hybrid host carries no v1 controllers. */
        d->controllers = strdup(strcmp(m->fstype, "cgroup2") == 0 ? "" : m->superopts);
        if (!v[cg->n_dirs - 1] || !d->controllers ||
            asprintf(&d->path, "%s%s", m->mountpoint, cg->path) < 0) {
                d->path = NULL;
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        return 0;
}

int rt_cgroup_v1_discover(struct rt_cgroup *cg, struct ctrd_error *err) {
        _cleanup_fclose_ FILE *f = fopen(cg->mountinfo, "re");
        if (!f)
                return ctrd_error_sys(err, errno, "opening '%s'", cg->mountinfo);

        _cleanup_free_ char *line = NULL;
        size_t cap = 0;
        char **devs = NULL;
        int r = 0;
        while (r >= 0 && getline(&line, &cap, f) > 0) {
                struct mount_line m;
                if (!parse_line(line, &m) || !directly_under(m.mountpoint, cg->root))
                        continue;
                if (strcmp(m.fstype, "cgroup") != 0 && strcmp(m.fstype, "cgroup2") != 0)
                        continue;
                if (seen_dev(devs, cg->n_dirs, m.dev))
                        continue;
                r = add_dir(cg, &m, &devs, err);
        }
        for (size_t i = 0; i < cg->n_dirs; i++)
                free(devs[i]);
        free(devs);
        if (r < 0)
                return r;
        if (cg->n_dirs == 0)
                return ctrd_error_set(err, ENOENT, "no cgroup hierarchy is mounted under '%s' "
                                      "(according to '%s')", cg->root, cg->mountinfo);
        return 0;
}
