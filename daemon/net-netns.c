/*
 * Why no helper process: the daemon is multi-threaded, so it must not fork
 * without exec (architecture decision 4). unshare(CLONE_NEWNET) and setns()
 * on a network namespace act on the calling thread alone, which lets the
 * loop thread step into a new namespace, pin it with a bind mount of its own
 * /proc/thread-self/ns/net, bring lo up, and step back.
 */
#define LOG_SUBSYSTEM "net"

#include "net-netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "net-link.h"

#define SELF_NETNS "/proc/thread-self/ns/net"

static int open_self(struct ctrd_error *err) {
        int fd = open(SELF_NETNS, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return ctrd_error_sys(err, errno, "opening '%s'", SELF_NETNS);
        return fd;
}

void net_netns_leave(int orig) {
        if (orig < 0)
                return;
        /* Failing to come back would leave the loop thread in a container's
         * namespace: nothing after that could be trusted. */
        if (setns(orig, CLONE_NEWNET) < 0) {
                log_error("returning to the daemon's network namespace: %m");
                abort();
        }
        close(orig);
}

int net_netns_enter(const char *path, int *ret_orig, struct ctrd_error *err) {
        _cleanup_close_ int orig = open_self(err);
        if (orig < 0)
                return orig;
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return ctrd_error_sys(err, errno, "opening network namespace '%s'", path);
        if (setns(fd, CLONE_NEWNET) < 0)
                return ctrd_error_sys(err, errno, "entering network namespace '%s'", path);
        *ret_orig = TAKE_FD(orig);
        return 0;
}

/* In the new namespace: pin it at path and bring lo up. */
static int pin_here(const char *path, struct ctrd_error *err) {
        if (mount(SELF_NETNS, path, NULL, MS_BIND, NULL) < 0)
                return ctrd_error_sys(err, errno, "bind-mounting a network namespace at '%s'", path);
        return net_link_up("lo", 0, err);
}

int net_netns_create(const char *path, struct ctrd_error *err) {
        int fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
        if (fd < 0)
                return ctrd_error_sys(err, errno, "creating '%s'", path);
        close(fd);
        int r, orig = open_self(err);
        if (orig < 0) {
                r = orig;
                goto fail;
        }
        if (unshare(CLONE_NEWNET) < 0) {
                r = ctrd_error_sys(err, errno, "creating a network namespace for '%s'", path);
                close(orig);
                goto fail;
        }
        r = pin_here(path, err);
        net_netns_leave(orig);
        if (r >= 0)
                return 0;
fail:
        net_netns_remove(path, NULL);
        return r;
}

int net_netns_remove(const char *path, struct ctrd_error *err) {
        if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
                return ctrd_error_sys(err, errno, "unmounting network namespace '%s'", path);
        if (unlink(path) < 0 && errno != ENOENT)
                return ctrd_error_sys(err, errno, "removing '%s'", path);
        return 0;
}
