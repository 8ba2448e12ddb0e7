/*
 * The engine context: everything a request handler may reach. One per ctrd,
 * used from the loop thread only. The engine knows nothing of HTTP; api/
 * calls into it and renders what it returns.
 */
#pragma once

#include <stdint.h>
#include <time.h>
#include <uv.h>

#include "containers.h"
#include "error.h"
#include "events.h"
#include "registry-client.h"

struct store;
struct image_service;

struct engine_config {
        const char *data_root;          /* DATA: ctrd.db, layers, containers */
        const char *run_root;           /* RUN: per-container run dirs, sockets */
        const char *storage_driver;     /* "overlay", "copy", or NULL to detect */
        const char *shim_path;          /* the ctrd-shim binary */
        const char *image_worker_path;  /* the ctrd-image-worker binary */
        const char *cgroup_parent;      /* containers' cgroups go below it; NULL: "/ctrd" */
        const char *bridge_name;        /* the default bridge network's bridge; NULL: "ctrd0" */
        const char *default_subnet;     /* its subnet; NULL: "172.30.0.0/16" */
        struct registry_options registry;       /* --registry-mirror, --insecure-registry */
};

struct ctrd_engine {
        uv_loop_t *loop;
        struct store *store;
        struct image_service *images;   /* daemon/image-service.h */
        struct ctr_manager containers;  /* daemon/containers.h */
        struct event_log events;        /* daemon/events.h */
        struct net_manager *net;        /* daemon/net.h */
        char *data_root;
        char *run_root;
        char *engine_id;                /* stable across restarts (store meta) */
        char *shim_path;
        char *image_worker_path;
        char *cgroup_parent;
        char *volumes_root;             /* DATA/volumes */
        char *seccomp_cache;            /* RUN/seccomp: the shims' compiled filters */
        struct registry_options registry;       /* the config's, for pulls and pushes */
        int lock_fd;                    /* flock on DATA/ctrd.lock: one daemon per data root */
        struct timespec started;
};

/*
 * Creates the data/run roots (0711), locks the data root, opens the store and
 * the image service, and loads the containers (reconnecting to running ones).
 */
int engine_init(struct ctrd_engine *e, uv_loop_t *loop, const struct engine_config *cfg,
                struct ctrd_error *err);

/* Closes the store and frees what engine_init allocated. */
void engine_done(struct ctrd_engine *e);

/* Counts reported by GET /info. */
struct engine_counts {
        int64_t containers, running, paused, stopped, images;
};
int engine_counts(struct ctrd_engine *e, struct engine_counts *ret, struct ctrd_error *err);
