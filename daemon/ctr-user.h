/*
 * Config.User ("", "name", "uid", "uid:gid", "name:group", "uid:group") and
 * HostConfig.GroupAdd resolved against the container's own /etc/passwd and
 * /etc/group, with runc's rules (which Docker users know): a numeric user
 * need not exist, a name must; without an explicit group the user's groups
 * from /etc/group become supplementary groups. The files are read through
 * ctr-path.h, so a hostile image cannot make us read the host's files.
 */
#pragma once

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

struct ctr_user {
        uid_t uid;
        gid_t gid;
        gid_t *gids;            /* the primary gid, the user's groups, then GroupAdd; no
                                 * duplicates (Docker lists the primary gid too) */
        size_t n_gids;
        char *home;             /* from passwd, "/" when the user has no entry */
};

/* rootfd is an fd of the rootfs directory. Errors are start errors, in Docker's words
 * ("unable to find user foo: no matching entries in passwd file"). */
int ctr_user_resolve(int rootfd, const char *user, json_t *group_add, struct ctr_user *ret,
                     struct ctrd_error *err);

void ctr_user_done(struct ctr_user *u);
