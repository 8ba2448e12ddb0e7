#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs-util.h"

/* Our own namespace of that type, as /proc/self/ns names it. */
static const char *self_ns_name(int type) {
        switch (type) {
        case CLONE_NEWNET:      return "net";
        case CLONE_NEWIPC:      return "ipc";
        case CLONE_NEWUTS:      return "uts";
        case CLONE_NEWPID:      return "pid_for_children";
        case CLONE_NEWCGROUP:   return "cgroup";
        default:                return NULL;
        }
}

int rt_ns_clone_flags(const struct rt_spec *s) {
        int flags = 0;
        for (size_t i = 0; i < s->n_namespaces; i++)
                if (!s->namespaces[i].path && s->namespaces[i].type != CLONE_NEWCGROUP)
                        flags |= s->namespaces[i].type;
        return flags;
}

int rt_ns_enter_paths(const struct rt_spec *s, struct rt_ns_saved *saved, struct ctrd_error *err) {
        char self[64];

        saved->n = 0;
        for (size_t i = 0; i < s->n_namespaces; i++) {
                const struct rt_namespace *ns = &s->namespaces[i];
                const char *name = self_ns_name(ns->type);
                /* A user namespace is joined by a helper (container.c): no way back from it. */
                if (!ns->path || ns->type == CLONE_NEWUSER)
                        continue;
                if (!name || saved->n == RT_NS_SAVED_MAX)
                        return ctrd_error_set(err, EOPNOTSUPP, "joining namespace '%s'", ns->path);
                _cleanup_close_ int target = open(ns->path, O_RDONLY | O_CLOEXEC);
                if (target < 0)
                        return ctrd_error_sys(err, errno, "opening namespace '%s'", ns->path);
                snprintf(self, sizeof(self), "/proc/self/ns/%s", name);
                int own = open(self, O_RDONLY | O_CLOEXEC);
                if (own < 0)
                        return ctrd_error_sys(err, errno, "opening '%s'", self);
                saved->fds[saved->n] = own;
                saved->types[saved->n++] = ns->type;
                if (setns(target, ns->type) < 0)
                        return ctrd_error_sys(err, errno, "joining namespace '%s'", ns->path);
        }
        return 0;
}

int rt_ns_restore(struct rt_ns_saved *saved, struct ctrd_error *err) {
        int r = 0;
        for (size_t i = 0; i < saved->n; i++) {
                if (setns(saved->fds[i], saved->types[i]) < 0 && r == 0)
                        r = ctrd_error_sys(err, errno, "returning to the shim's namespace");
                safe_close(saved->fds[i]);
        }
        saved->n = 0;
        return r;
}

static int write_map(pid_t pid, const char *file, const struct rt_idmap *m, size_t n,
                     struct ctrd_error *err) {
        char path[64], buf[4096];
        size_t len = 0;

        for (size_t i = 0; i < n; i++) {
                int w = snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n", m[i].container_id,
                                 m[i].host_id, m[i].size);
                if (w < 0 || (size_t) w >= sizeof(buf) - len)
                        return ctrd_error_set(err, E2BIG, "%s: too many mappings", file);
                len += (size_t) w;
        }
        snprintf(path, sizeof(path), "/proc/%d/%s", (int) pid, file);
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return ctrd_error_sys(err, errno, "opening '%s'", path);
        /* The kernel takes the whole map in one write() or not at all. */
        if (write(fd, buf, len) != (ssize_t) len)
                return ctrd_error_sys(err, errno, "writing '%s'", path);
        return 0;
}

int rt_ns_write_idmaps(pid_t pid, const struct rt_spec *s, struct ctrd_error *err) {
        int r = write_map(pid, "uid_map", s->uid_mappings, s->n_uid_mappings, err);
        if (r < 0)
                return r;
        return write_map(pid, "gid_map", s->gid_mappings, s->n_gid_mappings, err);
}
