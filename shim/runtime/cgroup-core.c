/*
 * The cgroup module's front: detects which cgroup version the host runs,
 * checks the container's cgroup path, and dispatches to the v1 or v2 driver
 * through the ops table. The mode is decided from statfs() of the root, never
 * from the kernel version: a cgroup2 mount is v2; a tmpfs holding cgroup v1
 * mounts is v1 (hybrid hosts also mount an empty cgroup2 at <root>/unified,
 * which the v1 driver joins but does not use for limits).
 */
#include "cgroup-internal.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cleanup.h"

#define MOUNTINFO "/proc/self/mountinfo"

static bool has_v1_hierarchy(const char *root) {
        DIR *d = opendir(root);
        if (!d)
                return false;
        bool found = false;
        struct dirent *de;
        while (!found && (de = readdir(d))) {
                char path[PATH_MAX];
                struct statfs fs;
                if (de->d_type != DT_DIR || de->d_name[0] == '.')
                        continue;
                if (snprintf(path, sizeof(path), "%s/%s", root, de->d_name) >= (int) sizeof(path))
                        continue;
                found = statfs(path, &fs) == 0 && fs.f_type == CGROUP_SUPER_MAGIC;
        }
        closedir(d);
        return found;
}

int rt_cgroup_detect(const char *root, enum rt_cgroup_mode *ret, struct ctrd_error *err) {
        struct statfs fs;
        if (statfs(root, &fs) < 0)
                return ctrd_error_sys(err, errno, "checking the cgroup root '%s'", root);
        if (fs.f_type == CGROUP2_SUPER_MAGIC) {
                *ret = RT_CGROUP_V2;
                return 0;
        }
        if (fs.f_type == TMPFS_MAGIC && has_v1_hierarchy(root)) {
                *ret = RT_CGROUP_V1;
                return 0;
        }
        return ctrd_error_set(err, EOPNOTSUPP,
                              "'%s' is neither a cgroup2 mount nor a tmpfs holding cgroup v1 "
                              "hierarchies (f_type 0x%lx)", root, (unsigned long) fs.f_type);
}

int rt_cgroup_path_normalize(const char *path, char **ret, struct ctrd_error *err) {
        if (!path || !*path)
                return ctrd_error_set(err, EINVAL, "empty cgroup path");
        /* runc's systemd driver takes "slice:prefix:name"; we only manage cgroupfs paths. */
        if (strchr(path, ':'))
                return ctrd_error_set(err, EINVAL,
                                      "cgroup path '%s' looks like systemd's 'slice:prefix:name' "
                                      "form, which is not supported", path);
        if (path[0] != '/')
                return ctrd_error_set(err, EINVAL, "cgroup path '%s' is not absolute", path);

        _cleanup_free_ char *out = malloc(strlen(path) + 1);
        if (!out)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        size_t len = 0;
        for (const char *p = path; *p; ) {
                while (*p == '/')
                        p++;
                size_t n = strcspn(p, "/");
                if (n == 0)
                        break;
                if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
                        return ctrd_error_set(err, EINVAL, "cgroup path '%s' contains '%.*s'",
                                              path, (int) n, p);
                out[len++] = '/';
                memcpy(out + len, p, n);
                len += n;
                p += n;
        }
        out[len] = '\0';
        if (len == 0)
                return ctrd_error_set(err, EINVAL, "cgroup path '%s' names the root cgroup", path);
        *ret = TAKE_PTR(out);
        return 0;
}

static int handle_new(const struct rt_cgroup_host *host, const char *path,
                      struct rt_cgroup **ret, struct ctrd_error *err) {
        if (host->mode != RT_CGROUP_V1 && host->mode != RT_CGROUP_V2)
                return ctrd_error_set(err, EINVAL, "invalid cgroup mode %d", (int) host->mode);
        struct rt_cgroup *cg = calloc(1, sizeof(*cg));
        if (!cg)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        cg->ops = host->mode == RT_CGROUP_V1 ? &rt_cgroup_v1_ops : &rt_cgroup_v2_ops;
        cg->mode = host->mode;
        cg->oom_fd = -EBADF;

        int r = rt_cgroup_path_normalize(path, &cg->path, err);
        if (r >= 0) {
                cg->root = strdup(host->root);
                cg->mountinfo = strdup(host->mountinfo ? host->mountinfo : MOUNTINFO);
                if (!cg->root || !cg->mountinfo)
                        r = ctrd_error_set(err, ENOMEM, "out of memory");
        }
        if (r < 0) {
                rt_cgroup_free(cg);
                return r;
        }
        /* "/sys/fs/cgroup/" and "/sys/fs/cgroup" are the same root. */
        for (size_t n = strlen(cg->root); n > 1 && cg->root[n - 1] == '/'; n--)
                cg->root[n - 1] = '\0';
        *ret = cg;
        return 0;
}

int rt_cgroup_create_in(const struct rt_cgroup_host *host, const char *path,
                        const struct rt_cgroup_resources *res, struct rt_cgroup **ret,
                        struct ctrd_error *err) {
        static const struct rt_cgroup_resources none = RT_CGROUP_RESOURCES_INIT;
        struct rt_cgroup *cg = NULL;
        int r = handle_new(host, path, &cg, err);
        if (r < 0)
                return r;
        r = cg->ops->create(cg, res ? res : &none, err);
        if (r < 0) {
                rt_cgroup_free(cg);
                return r;
        }
        *ret = cg;
        return 0;
}

int rt_cgroup_open_in(const struct rt_cgroup_host *host, const char *path,
                      struct rt_cgroup **ret, struct ctrd_error *err) {
        struct rt_cgroup *cg = NULL;
        int r = handle_new(host, path, &cg, err);
        if (r < 0)
                return r;
        r = cg->ops->open(cg, err);
        if (r < 0) {
                rt_cgroup_free(cg);
                return r;
        }
        *ret = cg;
        return 0;
}

int rt_cgroup_create(const char *root, const char *path, const struct rt_cgroup_resources *res,
                     struct rt_cgroup **ret, struct ctrd_error *err) {
        struct rt_cgroup_host host = { .root = root, .mountinfo = MOUNTINFO };
        int r = rt_cgroup_detect(root, &host.mode, err);
        if (r < 0)
                return r;
        return rt_cgroup_create_in(&host, path, res, ret, err);
}

int rt_cgroup_open(const char *root, const char *path, struct rt_cgroup **ret,
                   struct ctrd_error *err) {
        struct rt_cgroup_host host = { .root = root, .mountinfo = MOUNTINFO };
        int r = rt_cgroup_detect(root, &host.mode, err);
        if (r < 0)
                return r;
        return rt_cgroup_open_in(&host, path, ret, err);
}

enum rt_cgroup_mode rt_cgroup_get_mode(const struct rt_cgroup *cg) {
        return cg->mode;
}

const char *rt_cgroup_get_root(const struct rt_cgroup *cg) {
        return cg->root;
}

const char *rt_cgroup_get_path(const struct rt_cgroup *cg) {
        return cg->path;
}

int rt_cgroup_enter(struct rt_cgroup *cg, pid_t pid, struct ctrd_error *err) {
        return cg->ops->enter(cg, pid, err);
}

int rt_cgroup_oom_fd(struct rt_cgroup *cg, struct ctrd_error *err) {
        return cg->ops->oom_fd(cg, err);
}

int rt_cgroup_oom_drain(struct rt_cgroup *cg) {
        char buf[4096];
        if (cg->oom_fd < 0)
                return 0;
        /* The fd is non-blocking; eventfd hands out 8 bytes, inotify whole events. */
        for (;;) {
                if (read(cg->oom_fd, buf, sizeof(buf)) >= 0)
                        continue;
                if (errno == EINTR)
                        continue;
                return errno == EAGAIN ? 0 : -errno;
        }
}

int rt_cgroup_oom_kills(struct rt_cgroup *cg, uint64_t *ret, struct ctrd_error *err) {
        return cg->ops->oom_kills(cg, ret, err);
}

int rt_cgroup_stats(struct rt_cgroup *cg, struct rt_cgroup_stats *ret, struct ctrd_error *err) {
        return cg->ops->stats(cg, ret, err);
}

int rt_cgroup_freeze(struct rt_cgroup *cg, bool frozen, struct ctrd_error *err) {
        return cg->ops->freeze(cg, frozen, err);
}

int rt_cgroup_destroy(struct rt_cgroup *cg, struct ctrd_error *err) {
        return cg->ops->destroy(cg, err);
}

void rt_cgroup_free(struct rt_cgroup *cg) {
        if (!cg)
                return;
        safe_close(cg->oom_fd);
        for (size_t i = 0; i < cg->n_dirs; i++) {
                free(cg->dirs[i].path);
                free(cg->dirs[i].controllers);
                free(cg->dirs[i].created_top);
        }
        free(cg->dirs);
        free(cg->root);
        free(cg->path);
        free(cg->mountinfo);
        free(cg);
}
