/*
 * User and group resolution inside a rootfs; see ctr-user.h. The database
 * files are parsed here, not with getpwnam(): NSS would consult the host's
 * databases, and fgetpwent() gives up on the first malformed line, where
 * runc (and so Docker) skips it.
 */
#include "ctr-user.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "ctr-json.h"
#include "ctr-path.h"
#include "string-util.h"

#define DB_MAX (8u << 20)

/* One parsed line: fields[] point into the line, which the caller owns. */
struct entry {
        char *f[7];
        size_t n;
};

static void split(char *line, struct entry *e) {
        e->n = 0;
        for (char *p = line; e->n < 7;) {
                e->f[e->n++] = p;
                p = strchr(p, ':');
                if (!p)
                        break;
                *p++ = '\0';
        }
}

static bool parse_id(const char *s, uint32_t *ret) {
        int64_t v;
        if (ctrd_parse_int64(s, 0, UINT32_MAX - 1, &v) < 0)
                return false;
        *ret = (uint32_t) v;
        return true;
}

/*
 * Calls match(entry, data) on every well-formed line of text (a private copy
 * is split in place); stops at the first match, which it returns.
 */
static bool scan(const char *text, size_t min_fields,
                 bool (*match)(struct entry *e, void *data), void *data) {
        _cleanup_free_ char *copy = text ? strdup(text) : NULL;
        char *save = NULL;
        struct entry e;

        if (!copy)
                return false;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                if (line[0] == '#' || line[0] == '\0')
                        continue;
                split(line, &e);
                if (e.n >= min_fields && match(&e, data))
                        return true;
        }
        return false;
}

struct pw_query {
        const char *name;       /* match by name, or... */
        bool by_uid;
        uint32_t uid;           /* ...by uid */
        uint32_t ret_uid, ret_gid;
        char *ret_name, *ret_home;
};

static bool pw_match(struct entry *e, void *data) {
        struct pw_query *q = data;
        uint32_t uid, gid;

        if (!parse_id(e->f[2], &uid) || !parse_id(e->f[3], &gid))
                return false;
        if (q->by_uid ? uid != q->uid : strcmp(e->f[0], q->name) != 0)
                return false;
        q->ret_uid = uid;
        q->ret_gid = gid;
        q->ret_name = strdup(e->f[0]);
        q->ret_home = strdup(e->n > 5 && *e->f[5] ? e->f[5] : "/");
        return true;
}

struct gr_query {
        const char *name;       /* a group by name, or a member name when member is set */
        bool member;
        uint32_t gid;
        gid_t *gids;            /* for member scans: every group listing the user */
        size_t n;
};

static bool gr_match(struct entry *e, void *data) {
        struct gr_query *q = data;
        uint32_t gid;

        if (!parse_id(e->f[2], &gid))
                return false;
        if (!q->member) {
                q->gid = gid;
                return strcmp(e->f[0], q->name) == 0;
        }
        char *save = NULL;
        for (char *m = strtok_r(e->n > 3 ? e->f[3] : (char *) "", ",", &save); m;
             m = strtok_r(NULL, ",", &save))
                if (strcmp(m, q->name) == 0) {
                        gid_t *v = realloc(q->gids, (q->n + 1) * sizeof(*v));
                        if (v) {
                                q->gids = v;
                                q->gids[q->n++] = gid;
                        }
                        break;
                }
        return false;   /* keep scanning: a user can be in many groups */
}

static int add_gid(struct ctr_user *u, gid_t gid) {
        for (size_t i = 0; i < u->n_gids; i++)
                if (u->gids[i] == gid)
                        return 0;
        gid_t *v = realloc(u->gids, (u->n_gids + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        u->gids = v;
        u->gids[u->n_gids++] = gid;
        return 0;
}

static int resolve_group(const char *group_db, const char *name, uint32_t *ret,
                         struct ctrd_error *err) {
        struct gr_query q = { .name = name };

        if (scan(group_db, 3, gr_match, &q)) {
                *ret = q.gid;
                return 0;
        }
        if (parse_id(name, ret))
                return 0;
        return ctrd_error_set(err, EINVAL,
                              "unable to find group %s: no matching entries in group file", name);
}

static int read_db(int rootfd, const char *path, char **ret, struct ctrd_error *err) {
        int r = ctr_read_in_root(rootfd, path, DB_MAX, ret, err);
        if (r == -ENOENT) {
                *ret = NULL;
                return 0;
        }
        return r;
}

static int resolve_user(const char *passwd, const char *name, struct ctr_user *u,
                        char **ret_name, struct ctrd_error *err) {
        struct pw_query q = { .name = *name ? name : NULL };
        uint32_t id = 0;
        bool numeric = !*name || parse_id(name, &id);

        /* A name is looked up by name first (a user may be called "1000"), then as a uid. */
        bool found = *name && scan(passwd, 4, pw_match, &q);
        if (!found && numeric) {
                q.by_uid = true;
                q.uid = id;
                found = scan(passwd, 4, pw_match, &q);
        }
        if (!found && !numeric)
                return ctrd_error_set(err, EINVAL,
                                      "unable to find user %s: no matching entries in passwd file",
                                      name);
        u->uid = found ? q.ret_uid : id;
        u->gid = found ? q.ret_gid : 0;
        u->home = found ? q.ret_home : strdup("/");
        *ret_name = q.ret_name;
        return u->home ? 0 : ctrd_error_set(err, ENOMEM, "out of memory");
}

static int resolve_groups(const char *group_db, const char *group, const char *user_name,
                          json_t *group_add, struct ctr_user *u, struct ctrd_error *err) {
        json_t *v;
        size_t i;
        uint32_t gid;
        int r;

        if (group) {
                if ((r = resolve_group(group_db, group, &gid, err)) < 0)
                        return r;
                u->gid = gid;
        } else if (user_name) {
                struct gr_query q = { .name = user_name, .member = true };
                scan(group_db, 3, gr_match, &q);
                for (size_t k = 0; k < q.n; k++)
                        if (add_gid(u, q.gids[k]) < 0) {
                                free(q.gids);
                                return ctrd_error_set(err, ENOMEM, "out of memory");
                        }
                free(q.gids);
        }
        json_array_foreach(group_add, i, v) {
                if ((r = resolve_group(group_db, json_string_value(v), &gid, err)) < 0)
                        return r;
                if (add_gid(u, gid) < 0)
                        return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        return 0;
}

/*
 * The primary gid also leads the supplementary list, as Docker (through
 * containerd) sets it: `docker run -u 1000 busybox id` prints
 * "groups=0(root)", and software that checks getgroups() for its own group
 * behaves the same under ctrd.
 */
static int primary_first(struct ctr_user *u, struct ctrd_error *err) {
        size_t at = u->n_gids;
        for (size_t i = 0; i < u->n_gids; i++)
                if (u->gids[i] == u->gid)
                        at = i;
        if (at == u->n_gids && add_gid(u, u->gid) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        memmove(u->gids + 1, u->gids, at * sizeof(*u->gids));
        u->gids[0] = u->gid;
        return 0;
}

int ctr_user_resolve(int rootfd, const char *user, json_t *group_add, struct ctr_user *ret,
                     struct ctrd_error *err) {
        _cleanup_free_ char *passwd = NULL, *group_db = NULL, *spec = strdup(user ?: "");
        _cleanup_free_ char *user_name = NULL;
        struct ctr_user u = { 0 };
        int r;

        if (!spec)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        char *group = strchr(spec, ':');
        if (group)
                *group++ = '\0';
        if ((r = read_db(rootfd, "/etc/passwd", &passwd, err)) < 0 ||
            (r = read_db(rootfd, "/etc/group", &group_db, err)) < 0)
                return r;
        if ((r = resolve_user(passwd, spec, &u, &user_name, err)) < 0 ||
            (r = resolve_groups(group_db, group && *group ? group : NULL, user_name, group_add,
                                &u, err)) < 0 ||
            (r = primary_first(&u, err)) < 0) {
                ctr_user_done(&u);
                return r;
        }
        *ret = u;
        return 0;
}

void ctr_user_done(struct ctr_user *u) {
        free(u->gids);
        free(u->home);
        *u = (struct ctr_user) { 0 };
}
