/*
 * The last steps before the container's program: the controlling terminal,
 * marking every inherited fd above stderr close-on-exec (a leaked fd to a
 * host directory is how runc's CVE-2024-21626 escaped), and execve() with
 * the PATH lookup done against process.env, not our own environment.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "cleanup.h"
#include "child.h"
#include "sync.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Kernels before 5.11 lack CLOSE_RANGE_CLOEXEC: walk /proc/self/fd instead. */
static int cloexec_by_walk(struct rt_step_error *e) {
        DIR *d = opendir("/proc/self/fd");
        struct dirent *de;
        if (!d)
                return rt_fail(e, "opendir", "/proc/self/fd", errno);
        int self = dirfd(d);
        while ((de = readdir(d))) {
                char *end;
                long fd = strtol(de->d_name, &end, 10);
                if (*end)
                        continue;
                if (fd > 2 && fd != self && fcntl((int) fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF) {
                        closedir(d);
                        return rt_fail(e, "fcntl", de->d_name, errno);
                }
        }
        closedir(d);
        return 0;
}

int rt_fds_close_on_exec(struct rt_step_error *e) {
        /* Close-on-exec rather than close: the sync socket must live until execve. */
        if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
                return 0;
        return cloexec_by_walk(e);
}

int rt_terminal_setup(int sync, struct rt_step_error *e) {
        char path[32];
        unsigned ptn = 0;
        int unlock = 0;

        /* The container's own devpts instance, through its /dev/ptmx. */
        _cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0)
                return rt_fail(e, "open", "/dev/ptmx", errno);
        if (ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, &ptn) < 0)
                return rt_fail(e, "ioctl", "/dev/ptmx", errno);
        snprintf(path, sizeof(path), "/dev/pts/%u", ptn);
        _cleanup_close_ int slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave < 0)
                return rt_fail(e, "open", path, errno);
        if (setsid() < 0)
                return rt_fail(e, "setsid", "", errno);
        if (ioctl(slave, TIOCSCTTY, 0) < 0)
                return rt_fail(e, "ioctl TIOCSCTTY", path, errno);
        for (int i = 0; i < 3; i++)
                if (dup2(slave, i) < 0)
                        return rt_fail(e, "dup2", path, errno);
        int r = rt_sync_send(sync, RT_SYNC_PTY, master);
        if (r < 0)
                return rt_fail(e, "send pty", path, r);
        return 0;
}

static const char *env_path(char **env) {
        for (char **v = env; *v; v++)
                if (strncmp(*v, "PATH=", 5) == 0)
                        return *v + 5;
        return DEFAULT_PATH;
}

/* execve() each PATH candidate; returns the errno that best describes the failure. */
static int exec_search(const struct rt_spec *s) {
        const char *name = s->args[0];
        bool eacces = false;
        char buf[4096];

        for (const char *p = env_path(s->env); ; ) {
                size_t len = strcspn(p, ":");
                /* An empty PATH entry means the current directory, as in execvp(). */
                int n = len ? snprintf(buf, sizeof(buf), "%.*s/%s", (int) len, p, name)
                            : snprintf(buf, sizeof(buf), "./%s", name);
                if (n > 0 && (size_t) n < sizeof(buf)) {
                        execve(buf, s->args, s->env);
                        if (errno == EACCES)
                                eacces = true;
                        else if (errno != ENOENT && errno != ENOTDIR)
                                return errno;
                }
                if (!p[len])
                        break;
                p += len + 1;
        }
        return eacces ? EACCES : ENOENT;
}

int rt_exec(const struct rt_spec *s, struct rt_step_error *e) {
        const char *name = s->args[0];
        if (strchr(name, '/')) {
                execve(name, s->args, s->env);
                return rt_fail(e, "exec", name, errno);
        }
        return rt_fail(e, "exec", name, exec_search(s));
}
