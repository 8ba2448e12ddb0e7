/*
 * The cgroup v2 driver (unified hierarchy). The container's cgroup is one
 * directory, <root><path>. Limit files exist in it only when its parent has
 * the controller in cgroup.subtree_control, so create enables controllers in
 * every ancestor from the root down: all the ancestor offers (cgroup.controllers),
 * as runc and crun do, which also gives memory.events for OOM counting. Only
 * missing ones are written, so a warm parent costs two reads and no write.
 * The leaf itself enables nothing: it holds the container's processes, and
 * v2 forbids processes in a cgroup that delegates controllers.
 */
#include "cgroup-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include "cleanup.h"

#define FREEZE_ROUNDS 200
#define CONTROLLERS_MAX 1024

static struct rt_cgroup_dir *leaf(struct rt_cgroup *cg) {
        return &cg->dirs[0];
}

static bool has_word(const char *list, const char *word) {
        size_t n = strlen(word);
        for (const char *p = list; (p = strstr(p, word)); p += n)
                if ((p == list || p[-1] == ' ' || p[-1] == '+') &&
                    (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
                        return true;
        return false;
}

/* Enables in dir's cgroup.subtree_control what it offers and does not enable yet. */
static int enable_level(const char *dir, const struct rt_cgroup_settings *s,
                        struct ctrd_error *err) {
        char avail[CONTROLLERS_MAX], enabled[CONTROLLERS_MAX], add[CONTROLLERS_MAX * 2];
        int r = rt_cgroup_read(dir, "cgroup.controllers", avail, sizeof(avail), err);
        if (r >= 0)
                r = rt_cgroup_read(dir, "cgroup.subtree_control", enabled, sizeof(enabled), err);
        if (r < 0)
                return r;
        for (size_t i = 0; i < s->n; i++)
                if (!s->items[i].optional && !has_word(avail, s->items[i].controller))
                        return ctrd_error_set(err, EOPNOTSUPP, "the '%s' controller is not "
                                              "available in '%s/cgroup.controllers'",
                                              s->items[i].controller, dir);

        size_t len = 0;
        char *save = NULL;
        for (char *c = strtok_r(avail, " \n", &save); c; c = strtok_r(NULL, " \n", &save))
                if (!has_word(enabled, c))
                        len += (size_t) snprintf(add + len, sizeof(add) - len, "%s+%s",
                                                 len ? " " : "", c);
        return len ? rt_cgroup_write(dir, "cgroup.subtree_control", add, err) : 0;
}

static int enable_controllers(struct rt_cgroup *cg, const struct rt_cgroup_settings *s,
                              struct ctrd_error *err) {
        _cleanup_free_ char *p = strdup(leaf(cg)->path);
        if (!p)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        /* Root, then each level of the path except the leaf. */
        for (char *s_end = p + strlen(cg->root); s_end; s_end = strchr(s_end + 1, '/')) {
                char c = *s_end;
                *s_end = '\0';
                int r = enable_level(p, s, err);
                *s_end = c;
                if (r < 0)
                        return r;
        }
        return 0;
}

static int apply(struct rt_cgroup *cg, const struct rt_cgroup_settings *s,
                 struct ctrd_error *err) {
        for (size_t i = 0; i < s->n; i++) {
                const struct rt_cgroup_setting *it = &s->items[i];
                int r = rt_cgroup_write(leaf(cg)->path, it->file, rt_cgroup_setting_value(it), err);
                /* memory.swap.max exists only with swap accounting on. */
                if (r == -ENOENT && it->optional) {
                        ctrd_error_clear(err);
                        continue;
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

static int set_dir(struct rt_cgroup *cg, struct ctrd_error *err) {
        cg->dirs = calloc(1, sizeof(*cg->dirs));
        if (!cg->dirs)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        cg->n_dirs = 1;
        if (!(cg->dirs[0].controllers = strdup("")) ||
            asprintf(&cg->dirs[0].path, "%s%s", cg->root, cg->path) < 0) {
                cg->dirs[0].path = NULL;
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        return 0;
}

static int v2_create(struct rt_cgroup *cg, const struct rt_cgroup_resources *res,
                     struct ctrd_error *err) {
        struct rt_cgroup_settings s;
        int r = rt_cgroup_map_v2(res, &s, err);
        if (r >= 0)
                r = set_dir(cg, err);
        if (r >= 0)
                r = rt_cgroup_mkdir_levels(cg->root, cg->path, &leaf(cg)->created_top, err);
        if (r < 0)
                return r;
        r = enable_controllers(cg, &s, err);
        if (r >= 0)
                r = apply(cg, &s, err);
        if (r >= 0)
                r = rt_cgroup_v2_devices_apply(leaf(cg)->path, res->device_rules, res->n_device_rules, err);
        if (r < 0 && leaf(cg)->created_top)
                rt_cgroup_rmdir_up(leaf(cg)->path, leaf(cg)->created_top);
        return r;
}

static int v2_open(struct rt_cgroup *cg, struct ctrd_error *err) {
        int r = set_dir(cg, err);
        if (r < 0)
                return r;
        struct stat st;
        if (stat(leaf(cg)->path, &st) < 0)
                return ctrd_error_sys(err, errno, "opening cgroup '%s'", leaf(cg)->path);
        if (!S_ISDIR(st.st_mode))
                return ctrd_error_set(err, ENOTDIR, "cgroup '%s' is not a directory",
                                      leaf(cg)->path);
        return 0;
}

static int v2_enter(struct rt_cgroup *cg, pid_t pid, struct ctrd_error *err) {
        return rt_cgroup_write_pid(leaf(cg)->path, pid, err);
}

/* memory.events changes on every oom_kill (and on high/max events, which the
 * caller tells apart by the count). */
static int v2_oom_fd(struct rt_cgroup *cg, struct ctrd_error *err) {
        if (cg->oom_fd >= 0)
                return cg->oom_fd;
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s/memory.events", leaf(cg)->path) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        _cleanup_close_ int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        if (fd < 0)
                return ctrd_error_sys(err, errno, "creating an inotify fd for OOM events");
        if (inotify_add_watch(fd, path, IN_MODIFY) < 0)
                return ctrd_error_sys(err, errno, "watching '%s'", path);
        cg->oom_fd = TAKE_FD(fd);
        return cg->oom_fd;
}

static int v2_oom_kills(struct rt_cgroup *cg, uint64_t *ret, struct ctrd_error *err) {
        return rt_cgroup_read_key(leaf(cg)->path, "memory.events", "oom_kill", ret, err);
}

static int v2_stats(struct rt_cgroup *cg, struct rt_cgroup_stats *ret, struct ctrd_error *err) {
        const char *dir = leaf(cg)->path;
        uint64_t usec = 0;
        int r = rt_cgroup_read_counter(dir, "memory.current", NULL, &ret->memory_usage, err);
        if (r >= 0)
                r = rt_cgroup_read_counter(dir, "cpu.stat", "usage_usec", &usec, err);
        if (r >= 0)
                r = rt_cgroup_read_counter(dir, "pids.current", NULL, &ret->pids_current, err);
        ret->cpu_usage_ns = usec * 1000;
        return r;
}

static int v2_freeze(struct rt_cgroup *cg, bool frozen, struct ctrd_error *err) {
        const char *dir = leaf(cg)->path;
        int r = rt_cgroup_write(dir, "cgroup.freeze", frozen ? "1" : "0", err);
        if (r < 0)
                return r;
        /* The write only asks; cgroup.events says when every task has stopped. */
        for (unsigned i = 0; i < FREEZE_ROUNDS; i++) {
                uint64_t state = 0;
                r = rt_cgroup_read_key(dir, "cgroup.events", "frozen", &state, err);
                if (r < 0)
                        return r;
                if (state == (frozen ? 1 : 0))
                        return 0;
                rt_cgroup_backoff(i);
        }
        if (frozen)
                (void) rt_cgroup_write(dir, "cgroup.freeze", "0", NULL);
        return ctrd_error_set(err, EBUSY, "'%s/cgroup.events' does not report frozen %d",
                              dir, frozen ? 1 : 0);
}

static int v2_destroy(struct rt_cgroup *cg, struct ctrd_error *err) {
        const char *dir = leaf(cg)->path;
        /* cgroup.kill kills the whole subtree at once, racing no fork. */
        int r = rt_cgroup_write(dir, "cgroup.kill", "1", err);
        if (r == -ENOENT) {
                ctrd_error_clear(err);
                r = rt_cgroup_kill_tree(dir, err);
        }
        if (r < 0)
                return r;
        return rt_cgroup_rmdir_tree(dir, err);
}

const struct rt_cgroup_ops rt_cgroup_v2_ops = {
        .create = v2_create,
        .open = v2_open,
        .enter = v2_enter,
        .oom_fd = v2_oom_fd,
        .oom_kills = v2_oom_kills,
        .stats = v2_stats,
        .freeze = v2_freeze,
        .destroy = v2_destroy,
};
