/*
 * The container manager: every container the engine knows, its record (in
 * SQLite, written before any change is reported) and its live state (the
 * shim watch, waiters, a pending stop). Loop thread only.
 *
 * States follow Docker's: created → running ⇄ paused → exited, with
 * restarting between an exit and an automatic restart, and removing while
 * a removal is under way.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "error.h"
#include "shim-spawn.h"
#include "store/containers.h"

struct ctrd_engine;
struct ctr;
struct shim_watch;

enum ctr_wait_condition {
        CTR_WAIT_NOT_RUNNING,           /* answer at once if not running */
        CTR_WAIT_NEXT_EXIT,
        CTR_WAIT_REMOVED,
};

/* Completion of an asynchronous operation; r < 0 with err on failure. */
typedef void (*ctr_done_fn)(int r, const struct ctrd_error *err, void *userdata);
/* A wait's answer: the exit status, and the error text when the start failed. */
typedef void (*ctr_wait_fn)(int64_t status, const char *error, void *userdata);

struct ctr_waiter {
        enum ctr_wait_condition condition;
        ctr_wait_fn cb;
        void *userdata;
        struct ctr_waiter *prev, *next;
};

struct ctr {
        struct ctrd_engine *engine;
        struct store_container rec;
        json_t *parsed_config;          /* rec.config while in use: ctr_config() */
        json_t *parsed_host;            /* rec.host_config while in use: ctr_host() */
        struct ctr *parsed_prev, *parsed_next;  /* on the manager's parsed list while it has either */
        char *dir;                      /* DATA/containers/ID: bundle, files, log */
        char *run_dir;                  /* RUN/containers/ID: shim socket, pid, exit */
        struct shim_watch *watch;
        struct ctr_waiter *waiters;
        struct ctr_stop *stop;          /* a stop in progress */
        struct ctr_op *pending;         /* start/stop/remove callers waiting for the exit */
        struct ctr_restart *restart;    /* a restart waiting for its back-off */
        unsigned restart_streak;        /* restarts since the last long run (back-off) */
        struct shim_spawn_attach early_attach[SHIM_SPAWN_MAX_ATTACH];   /* before the start */
        size_t n_early_attach;
        /* GET /containers/json entry, rendered once per generation: the text
         * before and after the time-dependent "Status" string. */
        char *list_text;
        size_t list_status_at, list_tail_at;
        uint64_t list_generation;
        bool busy;                      /* a start is under way */
        bool removal_pending;           /* a forced removal waits for the exit */
        struct ctr *prev, *next;
};

struct ctr_manager {
        struct ctr *list;
        size_t count;
        struct ctr_exec *execs;         /* daemon/container-exec.h */
        uint64_t generation;            /* bumped by every change a list entry may show */
        struct ctr *parsed;             /* the containers holding parsed trees */
        uv_prepare_t *release;          /* drops them before the loop blocks again */
};

/* Loads every record and reconnects to the shims of running containers. */
int ctr_manager_load(struct ctrd_engine *e, struct ctrd_error *err);
void ctr_manager_free(struct ctrd_engine *e);

/* By full ID, name (with or without '/') or unique ID prefix; -ENOENT "No such container: x". */
int ctr_lookup(struct ctrd_engine *e, const char *name, struct ctr **ret, struct ctrd_error *err);

/* Docker's create: validates, resolves the image, prepares the rootfs, writes the record. */
int ctr_create(struct ctrd_engine *e, json_t *body, const char *name, struct ctr **ret,
               struct ctrd_error *err);

/* Starts the container; -EALREADY when it already runs (the API's 304). */
int ctr_start(struct ctr *c, ctr_done_fn done, void *userdata, struct ctrd_error *err);

/* Sends the stop signal, then SIGKILL after timeout_s (< 0: the container's StopTimeout or 10). */
int ctr_stop(struct ctr *c, int timeout_s, ctr_done_fn done, void *userdata, struct ctrd_error *err);

int ctr_kill(struct ctr *c, int signo, struct ctrd_error *err);

/*
 * Removes the container. Returns 0 when it is gone already, or 1 when it was
 * running and force was given: it is being killed and done runs once it is
 * gone. On an error (< 0) done is not called.
 */
int ctr_remove(struct ctr *c, bool force, ctr_done_fn done, void *userdata, struct ctrd_error *err);

int ctr_rename(struct ctr *c, const char *name, struct ctrd_error *err);

/*
 * Connects a client socket (taken) to the container's streams: at once when
 * it runs, at its start when it is created. -EBUSY when it is stopped.
 */
int ctr_attach(struct ctr *c, int client_fd, bool in, bool out, bool err_stream,
               struct ctrd_error *err);

/* Sets the terminal size of a TTY container. */
int ctr_resize(struct ctr *c, unsigned rows, unsigned cols, struct ctrd_error *err);

/* Registers w (caller-owned until its callback ran or it was cancelled). */
void ctr_wait(struct ctr *c, struct ctr_waiter *w);
void ctr_wait_cancel(struct ctr *c, struct ctr_waiter *w);

/*
 * The container's Config and HostConfig, parsed from the record's text on
 * first use and cached until the loop is about to block again (a container at
 * rest holds only the text: the HostConfig tree alone is ~20 KiB, the text
 * under 2 KB). Borrowed: valid within the current callback only. Nothing
 * taken from them (a sub-object, a string) may be kept across a callback;
 * copy what is needed later, or take a reference. NULL only when out of
 * memory (the text was checked at load), logged.
 */
json_t *ctr_config(struct ctr *c);
json_t *ctr_host(struct ctr *c);

/* Docker's inspect object. */
json_t *ctr_inspect_json(struct ctr *c);

/*
 * GET /containers/json's body: the entries of the containers keep() accepts
 * (newest first, at most limit when limit > 0) as a JSON array + "\n". Each
 * entry is rendered once per generation; only its Status is redone per call.
 */
int ctr_list_text(struct ctrd_engine *e, bool (*keep)(struct ctr *c, void *userdata), void *userdata,
                  int64_t limit, char **ret, size_t *ret_len);

/* Marks every rendered list entry stale (a container or network changed). */
void ctr_list_invalidate(struct ctrd_engine *e);

/* State names as Docker spells them. */
bool ctr_is_running(const struct ctr *c);

/* Whether any container uses image_id (the image service asks before deleting). */
bool ctr_image_in_use(void *engine, const char *image_id, char **ret_container);
