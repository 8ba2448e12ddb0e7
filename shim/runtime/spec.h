/*
 * The OCI runtime spec (config.json) as typed structs. spec.c and
 * spec-linux.c are the only places that look at the JSON: everything after
 * parsing works on these structs, whose values are already validated (names
 * turned into numbers, ranges checked), so the container child never meets a
 * surprise it must explain. A field we do not implement is rejected with an
 * error naming it instead of being silently ignored.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "shim/runtime/cgroup.h"

/* Index into rt_spec.caps[]; the order of process.capabilities. */
enum rt_cap_set {
        RT_CAP_BOUNDING,
        RT_CAP_EFFECTIVE,
        RT_CAP_PERMITTED,
        RT_CAP_INHERITABLE,
        RT_CAP_AMBIENT,
        _RT_CAP_SET_MAX,
};

struct rt_rlimit {
        int resource;                   /* RLIMIT_* */
        uint64_t soft, hard;
};

struct rt_mount {
        char *destination;              /* absolute, inside the rootfs */
        char *type;                     /* NULL for a bind mount */
        char *source;
        unsigned long flags;            /* MS_* to set, MS_BIND / MS_REC included */
        unsigned long propagation;      /* MS_PRIVATE, MS_SLAVE, ... (| MS_REC); 0 = leave */
        char *data;                     /* filesystem options, comma separated, or NULL */
};

/* One namespace of linux.namespaces: new (path NULL) or joined by path. */
struct rt_namespace {
        int type;                       /* CLONE_NEW* */
        char *path;
};

struct rt_idmap {
        uint32_t container_id, host_id, size;
};

struct rt_seccomp_arg {
        unsigned index;
        uint64_t value, value_two;
        int op;                         /* enum scmp_compare */
};

struct rt_seccomp_rule {
        char **names;                   /* NULL-terminated */
        uint32_t action;                /* SCMP_ACT_* (errno folded in) */
        struct rt_seccomp_arg *args;
        size_t n_args;
};

struct rt_seccomp {
        uint32_t default_action;
        uint32_t *arches;               /* SCMP_ARCH_* */
        size_t n_arches;
        struct rt_seccomp_rule *rules;
        size_t n_rules;
};

struct rt_device {
        char *path;
        mode_t type;                    /* S_IFCHR, S_IFBLK, S_IFIFO */
        int64_t major, minor;
        mode_t mode;                    /* permission bits; 0666 when absent */
        uid_t uid;
        gid_t gid;
};

struct rt_sysctl {
        char *key, *value;
};

struct rt_spec {
        /* process */
        bool terminal;
        char **args;                    /* NULL-terminated, at least one */
        char **env;                     /* NULL-terminated, may be empty */
        char *cwd;
        uid_t uid;
        gid_t gid;
        gid_t *additional_gids;
        size_t n_additional_gids;
        int umask;                      /* -1: leave the shim's */
        struct rt_rlimit *rlimits;
        size_t n_rlimits;
        bool no_new_privileges;
        bool has_caps;                  /* process.capabilities present */
        uint64_t caps[_RT_CAP_SET_MAX]; /* bit N = capability N */
        bool has_oom_score_adj;
        int oom_score_adj;

        /* root, hostname, mounts */
        char *root_path;                /* absolute (made so against the bundle) */
        bool root_readonly;
        char *hostname;
        char *domainname;
        struct rt_mount *mounts;
        size_t n_mounts;

        /* linux */
        struct rt_namespace *namespaces;
        size_t n_namespaces;
        struct rt_idmap *uid_mappings, *gid_mappings;
        size_t n_uid_mappings, n_gid_mappings;
        char *cgroups_path;             /* NULL: the caller picks one */
        struct rt_cgroup_resources resources;   /* strings point into this spec */
        char **masked_paths;            /* NULL-terminated */
        char **readonly_paths;
        unsigned long rootfs_propagation;       /* MS_* | MS_REC, default MS_PRIVATE|MS_REC */
        struct rt_seccomp *seccomp;     /* NULL: none */
        struct rt_device *devices;
        size_t n_devices;
        struct rt_sysctl *sysctls;
        size_t n_sysctls;
};

/* Parses config.json text; bundle makes root.path absolute. */
int rt_spec_parse(const char *text, const char *bundle, struct rt_spec **ret,
                  struct ctrd_error *err);

/* Reads and parses BUNDLE/config.json. */
int rt_spec_load(const char *bundle, struct rt_spec **ret, struct ctrd_error *err);

void rt_spec_free(struct rt_spec *s);

/* The namespace entry of that CLONE_NEW* type, or NULL. */
const struct rt_namespace *rt_spec_namespace(const struct rt_spec *s, int type);
