/*
 * A container's OCI runtime spec (config.json, runtime-spec 1.0.2 as
 * ctrd-shim reads it: shim/runtime/spec.c) from its normalized, image-merged
 * Config and HostConfig. Docker's defaults throughout; docs/container-config.md
 * lists how every field maps.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "error.h"

struct ctr_spec_input {
        const char *id;                 /* 64-hex container id */
        const char *rootfs;             /* absolute path of the prepared rootfs */
        const char *cgroups_path;       /* e.g. "/ctrd/<id>" */
        const char *hostname_path;      /* files ctrd wrote, bind-mounted over /etc/hostname, */
        const char *hosts_path;         /* /etc/hosts and /etc/resolv.conf; NULL = don't mount */
        const char *resolv_path;
        const char *netns_path;         /* join this netns; NULL = a new one (NetworkMode none) */
        bool host_network;              /* NetworkMode host: no netns at all */
        const char *volumes_root;       /* DATA/volumes: volume NAME is VOLUMES_ROOT/NAME/_data;
                                         * NULL = a container with volumes is refused */
};

/*
 * The OCI runtime spec for config + host (after merge). Docker's defaults:
 * the default capability set +- CapAdd/CapDrop ("ALL" allowed), the default
 * seccomp profile unless SecurityOpt seccomp=unconfined (or a profile given
 * as JSON in SecurityOpt "seccomp=<json>"), no-new-privileges, masked and
 * read-only paths, /proc /dev /dev/pts /dev/shm (ShmSize) /dev/mqueue /sys
 * (ro) /sys/fs/cgroup (ro), Binds/Mounts/Tmpfs, ReadonlyRootfs, Privileged
 * (every capability this process has, no seccomp, no masked paths, host
 * devices, /sys rw), the memory/cpu/pids limits, Ulimits, OomScoreAdj, User
 * (resolved against the rootfs), Env (plus PATH, HOSTNAME, HOME as Docker
 * sets them), WorkingDir (default "/"), Tty, hostname = Config.Hostname or
 * the short id.
 *
 * Side effects, as Docker has them at start: missing host directories of
 * Binds and of volumes under volumes_root are created (mode 0755).
 */
int ctr_spec_build(json_t *config, json_t *host, const struct ctr_spec_input *in,
                   json_t **ret_spec, struct ctrd_error *err);

/* The name of the anonymous volume of container id at target (64 hex digits, stable). */
int ctr_spec_anonymous_volume(const char *id, const char *target, char ret[65]);
