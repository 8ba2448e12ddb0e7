/*
 * The mounts a user asks for: HostConfig.Binds ("src:dst[:opts]"),
 * HostConfig.Mounts (bind, volume, tmpfs), HostConfig.Tmpfs and the
 * anonymous volumes of Config.Volumes, parsed into one list with Docker's
 * checks and messages. Used at create (to answer 400 early) and when the
 * spec is built.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

enum ctr_mount_type {
        CTR_MOUNT_BIND,
        CTR_MOUNT_VOLUME,
        CTR_MOUNT_TMPFS,
};

/* Where a mount was asked for: inspect lists all but HostConfig.Tmpfs, as Docker does. */
enum ctr_mount_origin {
        CTR_FROM_BINDS,
        CTR_FROM_MOUNTS,
        CTR_FROM_TMPFS,
        CTR_FROM_VOLUMES,               /* Config.Volumes */
};

struct ctr_mount {
        enum ctr_mount_type type;
        enum ctr_mount_origin origin;
        char *mode;                     /* Binds: the options as written ("ro,rslave"), or NULL */
        char *source;                   /* bind: host path; volume: name, NULL = anonymous */
        char *target;                   /* absolute, cleaned */
        bool readonly;
        bool create_source;             /* Binds: a missing host directory is created */
        bool recursive;                 /* bind: rbind (Docker's default) */
        const char *propagation;        /* "rprivate", ... or NULL (= rprivate) */
        char *data;                     /* tmpfs: filesystem options, or NULL */
        bool exec;                      /* tmpfs: "exec" given (default noexec) */
};

struct ctr_mounts {
        struct ctr_mount *v;
        size_t n;
};

/* Parses the mounts of a normalized Config + HostConfig. */
int ctr_mounts_parse(json_t *config, json_t *host, struct ctr_mounts *ret,
                     struct ctrd_error *err);

/* ctr_mounts_parse, plus: the sources of HostConfig.Mounts binds must exist. */
int ctr_mounts_check(json_t *config, json_t *host, struct ctrd_error *err);

void ctr_mounts_free(struct ctr_mounts *m);

/*
 * The "Mounts" list of GET /containers/{id}/json for a normalized Config +
 * HostConfig: [{"Type":"bind","Source":"/srv","Destination":"/data",
 * "Mode":"","RW":true,"Propagation":"rprivate"}, {"Type":"volume","Name":..,
 * "Source":"VOLUMES_ROOT/NAME/_data","Driver":"local",...}, ...].
 * volumes_root may be NULL (volume sources are then "").
 */
int ctr_mounts_inspect(json_t *config, json_t *host, const char *id, const char *volumes_root,
                       json_t **ret, struct ctrd_error *err);

/* A local volume name as Docker allows it: [a-zA-Z0-9][a-zA-Z0-9_.-]+ */
bool ctr_volume_name_valid(const char *name);
