#include "listen.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs-util.h"
#include "string-util.h"

#define SD_LISTEN_FDS_START 3
#define LISTEN_BACKLOG 512

int listen_from_systemd(struct ctrd_error *err) {
        const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
        int64_t p, n;
        if (!pid || !fds || ctrd_parse_int64(pid, 1, INT32_MAX, &p) < 0 ||
            ctrd_parse_int64(fds, 1, 64, &n) < 0 || p != getpid())
                return -ENOENT;
        unsetenv("LISTEN_PID");
        unsetenv("LISTEN_FDS");
        unsetenv("LISTEN_FDNAMES");

        int fd = SD_LISTEN_FDS_START;
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 ||
            fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
                return ctrd_error_sys(err, errno, "preparing the socket systemd passed (fd %d)", fd);
        /* Further sockets are not ours to use: close them so they do not leak. */
        for (int extra = fd + 1; extra < SD_LISTEN_FDS_START + n; extra++)
                close(extra);
        return fd;
}

static int fill_addr(const char *path, struct sockaddr_un *sa, struct ctrd_error *err) {
        *sa = (struct sockaddr_un) { .sun_family = AF_UNIX };
        if (strlen(path) >= sizeof(sa->sun_path))
                return ctrd_error_set(err, ENAMETOOLONG, "socket path '%s' is longer than %zu bytes",
                                      path, sizeof(sa->sun_path) - 1);
        strcpy(sa->sun_path, path);
        return 0;
}

/* Whether something accepts connections on path right now. */
static bool socket_is_live(const struct sockaddr_un *sa) {
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        return fd >= 0 && connect(fd, (const struct sockaddr *) sa, sizeof(*sa)) == 0;
}

static int clear_stale(const char *path, const struct sockaddr_un *sa, struct ctrd_error *err) {
        struct stat st;
        if (lstat(path, &st) < 0) {
                if (errno == ENOENT)
                        return 0;
                return ctrd_error_sys(err, errno, "checking '%s'", path);
        }
        if (!S_ISSOCK(st.st_mode))
                return ctrd_error_set(err, EEXIST, "'%s' exists and is not a socket; refusing to replace it",
                                      path);
        if (socket_is_live(sa))
                return ctrd_error_set(err, EADDRINUSE,
                                      "another daemon is listening on '%s'; refusing to start", path);
        if (unlink(path) < 0 && errno != ENOENT)
                return ctrd_error_sys(err, errno, "removing stale socket '%s'", path);
        return 0;
}

int listen_unix(const char *path, gid_t gid, struct ctrd_error *err) {
        struct sockaddr_un sa;
        int r = fill_addr(path, &sa, err);
        if (r < 0)
                return r;

        _cleanup_free_ char *dir = strdup(path);
        if (!dir)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir) {
                *slash = '\0';
                r = ctrd_mkdir_p(dir, 0711, err);
                if (r < 0)
                        return ctrd_error_wrap(err, "socket directory");
        }

        r = clear_stale(path, &sa, err);
        if (r < 0)
                return r;

        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return ctrd_error_sys(err, errno, "creating socket for '%s'", path);
        /* Bind with a restrictive umask so the socket is never briefly world-writable. */
        mode_t old = umask(0177);
        r = bind(fd, (struct sockaddr *) &sa, sizeof(sa));
        umask(old);
        if (r < 0)
                return ctrd_error_sys(err, errno, "binding '%s'", path);
        if (gid != (gid_t) -1 && chown(path, (uid_t) -1, gid) < 0) {
                r = ctrd_error_sys(err, errno, "setting the group of '%s'", path);
                unlink(path);
                return r;
        }
        if (chmod(path, 0660) < 0 || listen(fd, LISTEN_BACKLOG) < 0) {
                r = ctrd_error_sys(err, errno, "listening on '%s'", path);
                unlink(path);
                return r;
        }
        return TAKE_FD(fd);
}

/*
 * /etc/group is read directly (fgetgrent, no NSS), as dockerd reads it:
 * getgrnam() would load the NSS modules (libnss_systemd and what it links,
 * ~320 KiB of RSS) into the resident daemon for one lookup at start-up.
 * Only a group named on the command line and missing from the file is asked
 * of NSS (LDAP, sssd); the implicit "ctrd" group must be a local one.
 */
static int find_group(const char *name, bool ask_nss, gid_t *ret) {
        _cleanup_fclose_ FILE *f = fopen("/etc/group", "re");
        for (struct group *g; f && (g = fgetgrent(f)); )
                if (strcmp(g->gr_name, name) == 0) {
                        *ret = g->gr_gid;
                        return 0;
                }
        struct group *g = ask_nss ? getgrnam(name) : NULL;
        if (!g)
                return -ENOENT;
        *ret = g->gr_gid;
        return 0;
}

int listen_socket_group(const char *name, gid_t *ret, struct ctrd_error *err) {
        if (find_group(name ? name : "ctrd", name != NULL, ret) == 0)
                return 0;
        if (name)
                return ctrd_error_set(err, ENOENT, "group '%s' does not exist", name);
        *ret = (gid_t) -1;
        return 0;
}
