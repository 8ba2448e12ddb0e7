/*
 * OCI mount options -> mount(2) arguments. A fresh mount starts with no MS_*
 * flags, so the "clearing" options (rw, suid, dev, exec, atime, ...) only
 * matter as the negation of an earlier option in the same list.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "cleanup.h"
#include "macro.h"
#include "names.h"

static const struct {
        const char *name;
        bool clear;
        unsigned long flag;
} flag_opts[] = {
        { "ro", false, MS_RDONLY },             { "rw", true, MS_RDONLY },
        { "nosuid", false, MS_NOSUID },         { "suid", true, MS_NOSUID },
        { "nodev", false, MS_NODEV },           { "dev", true, MS_NODEV },
        { "noexec", false, MS_NOEXEC },         { "exec", true, MS_NOEXEC },
        { "sync", false, MS_SYNCHRONOUS },      { "async", true, MS_SYNCHRONOUS },
        { "dirsync", false, MS_DIRSYNC },       { "remount", false, MS_REMOUNT },
        { "mand", false, MS_MANDLOCK },         { "nomand", true, MS_MANDLOCK },
        { "atime", true, MS_NOATIME },          { "noatime", false, MS_NOATIME },
        { "diratime", true, MS_NODIRATIME },    { "nodiratime", false, MS_NODIRATIME },
        { "relatime", false, MS_RELATIME },     { "norelatime", true, MS_RELATIME },
        { "strictatime", false, MS_STRICTATIME }, { "nostrictatime", true, MS_STRICTATIME },
        { "bind", false, MS_BIND },             { "rbind", false, MS_BIND | MS_REC },
        { "silent", false, MS_SILENT },         { "loud", true, MS_SILENT },
};

static const struct {
        const char *name;
        unsigned long flags;
} propagations[] = {
        { "private", MS_PRIVATE },      { "rprivate", MS_PRIVATE | MS_REC },
        { "shared", MS_SHARED },        { "rshared", MS_SHARED | MS_REC },
        { "slave", MS_SLAVE },          { "rslave", MS_SLAVE | MS_REC },
        { "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

/*
 * OCI options we know and do not implement. Passing them on as filesystem
 * data would fail later with a bare EINVAL from mount(2), or worse, be
 * accepted by a filesystem that means something else by them.
 */
static const char *const unsupported[] = {
        "tmpcopyup", "notmpcopyup", "idmap", "ridmap", "nosymfollow", "symfollow",
        "rro", "rrw", "rnosuid", "rsuid", "rnodev", "rdev", "rnoexec", "rexec",
        "rnoatime", "ratime", "rnodiratime", "rdiratime", "rrelatime", "rnorelatime",
        "rstrictatime", "rnostrictatime", "rnosymfollow", "rsymfollow",
};

static bool is_unsupported(const char *opt) {
        for (size_t i = 0; i < ARRAY_SIZE(unsupported); i++)
                if (strcmp(unsupported[i], opt) == 0)
                        return true;
        return false;
}

int rt_propagation_from_name(const char *name, unsigned long *ret) {
        for (size_t i = 0; i < ARRAY_SIZE(propagations); i++)
                if (strcmp(propagations[i].name, name) == 0) {
                        *ret = propagations[i].flags;
                        return 0;
                }
        return -EINVAL;
}

static bool apply_flag(const char *opt, unsigned long *flags) {
        for (size_t i = 0; i < ARRAY_SIZE(flag_opts); i++)
                if (strcmp(flag_opts[i].name, opt) == 0) {
                        if (flag_opts[i].clear)
                                *flags &= ~flag_opts[i].flag;
                        else
                                *flags |= flag_opts[i].flag;
                        return true;
                }
        return false;
}

/* Appends opt to the comma-separated *data. */
static int append_data(char **data, const char *opt) {
        size_t old = *data ? strlen(*data) : 0, n = strlen(opt);
        char *p = realloc(*data, old + n + 2);
        if (!p)
                return -ENOMEM;
        if (old)
                p[old++] = ',';
        memcpy(p + old, opt, n + 1);
        *data = p;
        return 0;
}

int rt_mount_options(char *const *options, unsigned long *flags, unsigned long *propagation,
                     char **data, struct ctrd_error *err) {
        _cleanup_free_ char *d = NULL;
        unsigned long f = 0, p = 0;

        for (char *const *o = options; o && *o; o++) {
                if (apply_flag(*o, &f) || rt_propagation_from_name(*o, &p) == 0)
                        continue;
                if (**o == '\0' || strchr(*o, ','))
                        return ctrd_error_set(err, EINVAL, "bad mount option '%s'", *o);
                if (is_unsupported(*o))
                        return ctrd_error_set(err, EOPNOTSUPP, "mount option '%s' is not supported",
                                              *o);
                /* Anything else is the filesystem's business (mode=, size=, gid=, ...). */
                if (append_data(&d, *o) < 0)
                        return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        *flags = f;
        *propagation = p;
        *data = TAKE_PTR(d);
        return 0;
}
