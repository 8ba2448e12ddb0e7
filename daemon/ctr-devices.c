/*
 * The host's device nodes for a privileged container (Docker gives it every
 * one). Symlinks are skipped, and so are the nodes the container gets its
 * own instance of (/dev/pts, /dev/shm, /dev/mqueue, the ptmx multiplexer)
 * and the console, which belongs to the host.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ctr-json.h"
#include "ctr-spec-internal.h"

#define MAX_DEPTH 4

static bool skipped(const char *name) {
        static const char *const names[] = { "pts", "shm", "mqueue", "fd", "ptmx", "console",
                                             ".lxc", ".lxd-mounts", ".udev", NULL };
        for (size_t i = 0; names[i]; i++)
                if (strcmp(names[i], name) == 0)
                        return true;
        return false;
}

static int add_node(json_t *list, const char *path, const struct stat *st) {
        json_t *d = json_pack("{s:s,s:s,s:I,s:I,s:i,s:I,s:I}", "path", path, "type",
                              S_ISCHR(st->st_mode) ? "c" : "b", "major",
                              (json_int_t) major(st->st_rdev), "minor",
                              (json_int_t) minor(st->st_rdev), "fileMode",
                              (int) (st->st_mode & 07777), "uid", (json_int_t) st->st_uid, "gid",
                              (json_int_t) st->st_gid);
        return d && json_array_append_new(list, d) == 0 ? 0 : -ENOMEM;
}

static int walk(int fd, const char *prefix, int depth, json_t *list) {
        DIR *dir = fdopendir(fd);
        struct dirent *de;
        int r = 0;

        if (!dir) {
                close(fd);
                return -errno;
        }
        while (r == 0 && (de = readdir(dir))) {
                char path[4096];
                struct stat st;
                if (de->d_name[0] == '.' && (!de->d_name[1] || strcmp(de->d_name, "..") == 0))
                        continue;
                if (skipped(de->d_name) ||
                    fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        continue;
                snprintf(path, sizeof(path), "%s/%s", prefix, de->d_name);
                if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
                        r = add_node(list, path, &st);
                else if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH) {
                        int sub = openat(fd, de->d_name,
                                         O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (sub >= 0)
                                r = walk(sub, path, depth + 1, list);
                }
        }
        closedir(dir);
        return r;
}

int ctr_spec_host_devices(const char *dev_root, json_t **ret, struct ctrd_error *err) {
        json_t *list = json_array();
        int fd = open(dev_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int r;

        if (!list) {
                if (fd >= 0)
                        close(fd);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        if (fd < 0) {
                json_decref(list);
                return ctrd_error_sys(err, errno, "opening %s", dev_root);
        }
        /* Paths in the container are always under /dev, wherever we read them from. */
        r = walk(fd, "/dev", 0, list);
        if (r < 0) {
                json_decref(list);
                return ctrd_error_sys(err, -r, "listing the devices of %s", dev_root);
        }
        *ret = list;
        return 0;
}
