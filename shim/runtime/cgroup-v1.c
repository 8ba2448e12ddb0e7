/*
 * The cgroup v1 driver (legacy and hybrid hosts). The container's cgroup is
 * one directory per hierarchy, <mount point><path>; limits go to the
 * hierarchy that carries their controller. v1 quirks handled here:
 *  - a new cpuset cgroup starts with empty cpuset.cpus/mems and refuses
 *    tasks until they are filled, so create copies them from the parent at
 *    every level it walks through;
 *  - OOM notification is an eventfd registered on memory.oom_control through
 *    cgroup.event_control;
 *  - a frozen task does not die from SIGKILL until thawed, so destroy thaws
 *    first.
 */
#include "cgroup-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"

#define FREEZE_ROUNDS 200

static struct rt_cgroup_dir *find(struct rt_cgroup *cg, const char *controller) {
        for (size_t i = 0; i < cg->n_dirs; i++)
                if (rt_cgroup_list_has(cg->dirs[i].controllers, controller))
                        return &cg->dirs[i];
        return NULL;
}

static struct rt_cgroup_dir *need(struct rt_cgroup *cg, const char *controller,
                                  struct ctrd_error *err) {
        struct rt_cgroup_dir *d = find(cg, controller);
        if (!d)
                ctrd_error_set(err, EOPNOTSUPP, "the cgroup v1 '%s' controller is not mounted "
                               "under '%s'", controller, cg->root);
        return d;
}

static void rollback(struct rt_cgroup *cg) {
        for (size_t i = 0; i < cg->n_dirs; i++)
                if (cg->dirs[i].created_top)
                        rt_cgroup_rmdir_up(cg->dirs[i].path, cg->dirs[i].created_top);
}

/* Fills an empty cpuset.cpus or cpuset.mems of dir from its parent's. */
static int inherit_cpuset(const char *dir, const char *file, struct ctrd_error *err) {
        char buf[4096];
        int r = rt_cgroup_read(dir, file, buf, sizeof(buf), err);
        if (r < 0 || strspn(buf, " \n") != (size_t) r)
                return r;

        _cleanup_free_ char *parent = strdup(dir);
        if (!parent)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        *strrchr(parent, '/') = '\0';
        r = rt_cgroup_read(parent, file, buf, sizeof(buf), err);
        if (r < 0)
                return r;
        buf[strcspn(buf, "\n")] = '\0';
        return rt_cgroup_write(dir, file, buf, err);
}

/* Every level below the mount point, top-down, since a parent must be filled before its child. */
static int fill_cpusets(const char *leaf, size_t base_len, struct ctrd_error *err) {
        _cleanup_free_ char *p = strdup(leaf);
        if (!p)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        for (char *s = p + base_len + 1; ; s++) {
                char c = *s;
                if (c != '/' && c != '\0')
                        continue;
                *s = '\0';
                int r = inherit_cpuset(p, "cpuset.cpus", err);
                if (r >= 0)
                        r = inherit_cpuset(p, "cpuset.mems", err);
                if (r < 0)
                        return r;
                *s = c;
                if (c == '\0')
                        return 0;
        }
}

static int make_dirs(struct rt_cgroup *cg, struct ctrd_error *err) {
        size_t path_len = strlen(cg->path);
        struct rt_cgroup_dir *cpuset = find(cg, "cpuset");

        for (size_t i = 0; i < cg->n_dirs; i++) {
                struct rt_cgroup_dir *d = &cg->dirs[i];
                size_t base_len = strlen(d->path) - path_len;
                _cleanup_free_ char *base = strndup(d->path, base_len);
                if (!base)
                        return ctrd_error_set(err, ENOMEM, "out of memory");
                int r = rt_cgroup_mkdir_levels(base, cg->path, &d->created_top, err);
                if (r >= 0 && d == cpuset)
                        r = fill_cpusets(d->path, base_len, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int apply(struct rt_cgroup *cg, const struct rt_cgroup_settings *s,
                 struct ctrd_error *err) {
        for (size_t i = 0; i < s->n; i++) {
                const struct rt_cgroup_setting *it = &s->items[i];
                struct rt_cgroup_dir *d = find(cg, it->controller);
                /* v1_create checked the required ones; an optional one may lack its hierarchy. */
                if (!d)
                        continue;
                int r = rt_cgroup_write(d->path, it->file, rt_cgroup_setting_value(it), err);
                /* memory.memsw.* exists only with swap accounting on. */
                if (r == -ENOENT && it->optional) {
                        ctrd_error_clear(err);
                        continue;
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

/* linux.resources.devices, in order, into devices.allow / devices.deny. */
static int apply_devices(struct rt_cgroup *cg, const struct rt_cgroup_resources *res,
                         struct ctrd_error *err) {
        if (res->n_device_rules == 0)
                return 0;
        struct rt_cgroup_dir *d = need(cg, "devices", err);
        if (!d)
                return -EOPNOTSUPP;
        for (size_t i = 0; i < res->n_device_rules; i++) {
                char line[64];
                rt_cgroup_device_rule_line(&res->device_rules[i], line, sizeof(line));
                int r = rt_cgroup_write(d->path, res->device_rules[i].allow ? "devices.allow" : "devices.deny",
                                        line, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int v1_create(struct rt_cgroup *cg, const struct rt_cgroup_resources *res,
                     struct ctrd_error *err) {
        struct rt_cgroup_settings s;
        int r = rt_cgroup_map_v1(res, &s, err);
        if (r >= 0)
                r = rt_cgroup_v1_discover(cg, err);
        if (r < 0)
                return r;
        /* Refuse an unmountable limit before touching the file system. */
        for (size_t i = 0; i < s.n; i++)
                if (!s.items[i].optional && !need(cg, s.items[i].controller, err))
                        return -EOPNOTSUPP;

        if (res->n_device_rules > 0 && !need(cg, "devices", err))
                return -EOPNOTSUPP;

        r = make_dirs(cg, err);
        if (r >= 0)
                r = apply(cg, &s, err);
        if (r >= 0)
                r = apply_devices(cg, res, err);
        if (r < 0)
                rollback(cg);
        return r;
}

static int v1_open(struct rt_cgroup *cg, struct ctrd_error *err) {
        int r = rt_cgroup_v1_discover(cg, err);
        if (r < 0)
                return r;
        /* Keep the hierarchies the cgroup exists in; one mounted later has no directory. */
        size_t kept = 0;
        for (size_t i = 0; i < cg->n_dirs; i++) {
                struct stat st;
                if (stat(cg->dirs[i].path, &st) == 0 && S_ISDIR(st.st_mode)) {
                        cg->dirs[kept++] = cg->dirs[i];
                        continue;
                }
                free(cg->dirs[i].path);
                free(cg->dirs[i].controllers);
        }
        cg->n_dirs = kept;
        if (kept == 0)
                return ctrd_error_set(err, ENOENT, "cgroup '%s' does not exist under '%s'",
                                      cg->path, cg->root);
        return 0;
}

static int v1_enter(struct rt_cgroup *cg, pid_t pid, struct ctrd_error *err) {
        for (size_t i = 0; i < cg->n_dirs; i++) {
                int r = rt_cgroup_write_pid(cg->dirs[i].path, pid, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int v1_oom_fd(struct rt_cgroup *cg, struct ctrd_error *err) {
        if (cg->oom_fd >= 0)
                return cg->oom_fd;
        struct rt_cgroup_dir *mem = need(cg, "memory", err);
        if (!mem)
                return -EOPNOTSUPP;

        _cleanup_close_ int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (efd < 0)
                return ctrd_error_sys(err, errno, "creating an eventfd for OOM events");
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s/memory.oom_control", mem->path) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        /* The kernel takes what it needs at registration; the file can close after. */
        _cleanup_close_ int cfd = open(path, O_RDONLY | O_CLOEXEC);
        if (cfd < 0)
                return ctrd_error_sys(err, errno, "opening '%s'", path);
        char value[32];
        snprintf(value, sizeof(value), "%d %d", efd, cfd);
        int r = rt_cgroup_write(mem->path, "cgroup.event_control", value, err);
        if (r < 0)
                return r;
        cg->oom_fd = TAKE_FD(efd);
        return cg->oom_fd;
}

static int v1_oom_kills(struct rt_cgroup *cg, uint64_t *ret, struct ctrd_error *err) {
        struct rt_cgroup_dir *mem = need(cg, "memory", err);
        if (!mem)
                return -EOPNOTSUPP;
        return rt_cgroup_read_key(mem->path, "memory.oom_control", "oom_kill", ret, err);
}

static const char *dir_of(struct rt_cgroup *cg, const char *controller) {
        struct rt_cgroup_dir *d = find(cg, controller);
        return d ? d->path : NULL;
}

static int v1_stats(struct rt_cgroup *cg, struct rt_cgroup_stats *ret, struct ctrd_error *err) {
        int r = rt_cgroup_read_counter(dir_of(cg, "memory"), "memory.usage_in_bytes", NULL,
                                       &ret->memory_usage, err);
        if (r >= 0)
                r = rt_cgroup_read_counter(dir_of(cg, "cpuacct"), "cpuacct.usage", NULL,
                                           &ret->cpu_usage_ns, err);
        if (r >= 0)
                r = rt_cgroup_read_counter(dir_of(cg, "pids"), "pids.current", NULL,
                                           &ret->pids_current, err);
        return r;
}

/* Freezing can stall in FREEZING while a task sits in an unfreezable spot;
 * writing FROZEN again retries it, as runc does. */
static int v1_freeze(struct rt_cgroup *cg, bool frozen, struct ctrd_error *err) {
        struct rt_cgroup_dir *fz = need(cg, "freezer", err);
        if (!fz)
                return -EOPNOTSUPP;
        const char *want = frozen ? "FROZEN" : "THAWED";
        char state[64];

        for (unsigned i = 0; i < FREEZE_ROUNDS; i++) {
                int r = i % 10 == 0 ? rt_cgroup_write(fz->path, "freezer.state", want, err) : 0;
                if (r >= 0)
                        r = rt_cgroup_read(fz->path, "freezer.state", state, sizeof(state), err);
                if (r < 0)
                        return r;
                state[strcspn(state, "\n")] = '\0';
                if (strcmp(state, want) == 0)
                        return 0;
                rt_cgroup_backoff(i);
        }
        if (frozen)
                (void) rt_cgroup_write(fz->path, "freezer.state", "THAWED", NULL);
        return ctrd_error_set(err, EBUSY, "'%s/freezer.state' is still '%s', not '%s'",
                              fz->path, state, want);
}

static int v1_destroy(struct rt_cgroup *cg, struct ctrd_error *err) {
        struct rt_cgroup_dir *fz = find(cg, "freezer");
        int ret = 0;

        if (fz)
                (void) rt_cgroup_write(fz->path, "freezer.state", "THAWED", NULL);
        /* A process may have been entered into some hierarchies only: kill in all. */
        for (size_t i = 0; i < cg->n_dirs; i++) {
                int r = rt_cgroup_kill_tree(cg->dirs[i].path, err);
                if (r < 0)
                        return r;
        }
        /* Remove what can be removed; report the first failure. */
        for (size_t i = 0; i < cg->n_dirs; i++) {
                struct ctrd_error e = { 0 };
                int r = rt_cgroup_rmdir_tree(cg->dirs[i].path, &e);
                if (r < 0 && ret == 0) {
                        ret = r;
                        if (err)
                                *err = e;
                }
        }
        return ret;
}

const struct rt_cgroup_ops rt_cgroup_v1_ops = {
        .create = v1_create,
        .open = v1_open,
        .enter = v1_enter,
        .oom_fd = v1_oom_fd,
        .oom_kills = v1_oom_kills,
        .stats = v1_stats,
        .freeze = v1_freeze,
        .destroy = v1_destroy,
};
