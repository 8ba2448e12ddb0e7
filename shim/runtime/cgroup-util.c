/*
 * File helpers the v1 and v2 drivers share. cgroupfs files are written with
 * one write() each (the kernel parses one value per write) and read with one
 * small read; every failure names the file, and for writes the value, so a
 * person can tell "writing '100' to '.../memory.limit_in_bytes': Device or
 * resource busy" from any other failure.
 */
#include "cgroup-internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs-util.h"

/* Enough polling rounds for about a second of backoff (see rt_cgroup_backoff). */
#define KILL_ROUNDS 200
#define RMDIR_ROUNDS 200

static int join(char *buf, size_t size, const char *dir, const char *file,
                struct ctrd_error *err) {
        int n = snprintf(buf, size, "%s/%s", dir, file);
        if (n < 0 || (size_t) n >= size)
                return ctrd_error_set(err, ENAMETOOLONG, "path '%s/%s' is too long", dir, file);
        return 0;
}

int rt_cgroup_write(const char *dir, const char *file, const char *value,
                    struct ctrd_error *err) {
        char path[PATH_MAX];
        int r = join(path, sizeof(path), dir, file, err);
        if (r < 0)
                return r;

        _cleanup_close_ int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (fd < 0)
                return ctrd_error_sys(err, errno, "writing '%s' to '%s'", value, path);
        size_t len = strlen(value);
        ssize_t k = write(fd, value, len);
        if (k < 0)
                return ctrd_error_sys(err, errno, "writing '%s' to '%s'", value, path);
        if ((size_t) k != len)
                return ctrd_error_set(err, EIO, "writing '%s' to '%s': short write", value, path);
        return 0;
}

int rt_cgroup_read(const char *dir, const char *file, char *buf, size_t size,
                   struct ctrd_error *err) {
        char path[PATH_MAX];
        int r = join(path, sizeof(path), dir, file, err);
        if (r < 0)
                return r;

        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return ctrd_error_sys(err, errno, "opening '%s'", path);
        size_t len = 0;
        while (len < size - 1) {
                ssize_t k = read(fd, buf + len, size - 1 - len);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return ctrd_error_sys(err, errno, "reading '%s'", path);
                if (k == 0)
                        break;
                len += (size_t) k;
        }
        buf[len] = '\0';
        return (int) len;
}

int rt_cgroup_read_key(const char *dir, const char *file, const char *key, uint64_t *ret,
                       struct ctrd_error *err) {
        char buf[4096];
        int r = rt_cgroup_read(dir, file, buf, sizeof(buf), err);
        if (r < 0)
                return r;

        size_t klen = strlen(key);
        for (char *line = buf; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
                if (strncmp(line, key, klen) != 0 || line[klen] != ' ')
                        continue;
                char *end = NULL;
                errno = 0;
                uint64_t v = strtoull(line + klen + 1, &end, 10);
                if (errno != 0 || end == line + klen + 1)
                        break;
                *ret = v;
                return 0;
        }
        return ctrd_error_set(err, ENODATA, "no '%s' value in '%s/%s'", key, dir, file);
}

int rt_cgroup_read_counter(const char *dir, const char *file, const char *key, uint64_t *ret,
                           struct ctrd_error *err) {
        char buf[64];
        int r;

        *ret = 0;
        if (!dir)
                return 0;
        if (key)
                r = rt_cgroup_read_key(dir, file, key, ret, err);
        else if ((r = rt_cgroup_read(dir, file, buf, sizeof(buf), err)) >= 0 &&
                 sscanf(buf, "%" SCNu64, ret) != 1)
                r = ctrd_error_set(err, EINVAL, "'%s/%s' holds no number", dir, file);
        if (r == -ENOENT) {
                ctrd_error_clear(err);
                return 0;
        }
        return r;
}

int rt_cgroup_write_pid(const char *dir, pid_t pid, struct ctrd_error *err) {
        char buf[24];
        snprintf(buf, sizeof(buf), "%d", (int) pid);
        return rt_cgroup_write(dir, "cgroup.procs", buf, err);
}

int rt_cgroup_mkdir_levels(const char *base, const char *rel, char **created_top,
                           struct ctrd_error *err) {
        _cleanup_free_ char *path = NULL;
        _cleanup_free_ char *top = NULL;
        if (asprintf(&path, "%s%s", base, rel) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");

        /* Each '/' after base ends one level; the final level ends at the NUL. */
        for (char *s = path + strlen(base) + 1; ; s++) {
                char c = *s;
                if (c != '/' && c != '\0')
                        continue;
                *s = '\0';
                if (mkdir(path, 0755) == 0) {
                        if (!top && !(top = strdup(path)))
                                return ctrd_error_set(err, ENOMEM, "out of memory");
                } else if (errno != EEXIST) {
                        int e = errno;
                        if (top)
                                rt_cgroup_rmdir_up(path, top);
                        return ctrd_error_sys(err, e, "creating cgroup directory '%s'", path);
                }
                *s = c;
                if (c == '\0')
                        break;
        }
        *created_top = TAKE_PTR(top);
        return 0;
}

void rt_cgroup_rmdir_up(const char *leaf, const char *top) {
        _cleanup_free_ char *p = strdup(leaf);
        size_t top_len = strlen(top);
        if (!p)
                return;
        /* Best effort: this undoes our own mkdirs, and a failure leaves nothing worse. */
        while (strlen(p) >= top_len) {
                (void) rmdir(p);
                char *slash = strrchr(p, '/');
                if (!slash || slash == p)
                        break;
                *slash = '\0';
        }
}

void rt_cgroup_backoff(unsigned attempt) {
        unsigned shift = attempt < 6 ? attempt : 6;
        struct timespec ts = { .tv_nsec = 100000L << shift };   /* 0.1 ms up to 6.4 ms */
        nanosleep(&ts, NULL);
}

bool rt_cgroup_list_has(const char *list, const char *token) {
        size_t n = strlen(token);
        for (const char *p = list; p; p = strchr(p, ','), p = p ? p + 1 : NULL)
                if (strncmp(p, token, n) == 0 && (p[n] == ',' || p[n] == '\0'))
                        return true;
        return false;
}

/* Calls fn on every child cgroup (subdirectory) of dir. */
static int for_each_child(const char *dir, int (*fn)(const char *, struct ctrd_error *),
                          struct ctrd_error *err) {
        DIR *d = opendir(dir);
        if (!d)
                return errno == ENOENT ? 0 : ctrd_error_sys(err, errno, "listing '%s'", dir);
        int r = 0;
        struct dirent *de;
        while (r >= 0 && (de = readdir(d))) {
                if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
                    strcmp(de->d_name, "..") == 0)
                        continue;
                char child[PATH_MAX];
                r = join(child, sizeof(child), dir, de->d_name, err);
                if (r >= 0)
                        r = fn(child, err);
        }
        closedir(d);
        return r;
}

/* One round: SIGKILL every pid listed; returns how many were listed. */
static int kill_listed(const char *dir, struct ctrd_error *err) {
        char path[PATH_MAX];
        _cleanup_free_ char *procs = NULL;
        int r = join(path, sizeof(path), dir, "cgroup.procs", err);
        if (r < 0)
                return r;
        r = ctrd_read_file(path, 16 << 20, &procs, NULL, err);
        if (r == -ENOENT) {
                ctrd_error_clear(err);
                return 0;
        }
        if (r < 0)
                return r;

        int n = 0;
        for (char *p = procs, *end; *p; p = end) {
                long pid = strtol(p, &end, 10);
                if (end == p)
                        break;
                if (pid > 0 && kill((pid_t) pid, SIGKILL) < 0 && errno != ESRCH)
                        return ctrd_error_sys(err, errno, "killing pid %ld of '%s'", pid, dir);
                n++;
        }
        return n;
}

int rt_cgroup_kill_tree(const char *dir, struct ctrd_error *err) {
        /* Killed processes stay listed until they finish exiting, and a process can
         * fork once more before the signal lands: repeat until the list is empty. */
        for (unsigned i = 0; i < KILL_ROUNDS; i++) {
                int n = kill_listed(dir, err);
                if (n < 0)
                        return n;
                if (n == 0)
                        return for_each_child(dir, rt_cgroup_kill_tree, err);
                rt_cgroup_backoff(i);
        }
        return ctrd_error_set(err, EBUSY, "processes are left in '%s' after SIGKILL", dir);
}

int rt_cgroup_rmdir_tree(const char *dir, struct ctrd_error *err) {
        int r = for_each_child(dir, rt_cgroup_rmdir_tree, err);
        if (r < 0)
                return r;
        /* The kernel reports EBUSY until the last killed process has left. */
        for (unsigned i = 0; ; i++) {
                if (rmdir(dir) == 0 || errno == ENOENT)
                        return 0;
                if (errno != EBUSY || i >= RMDIR_ROUNDS)
                        return ctrd_error_sys(err, errno, "removing cgroup '%s'", dir);
                rt_cgroup_backoff(i);
        }
}
