/* What the container manager's files share (daemon/ctr-*.c, containers.c). */
#pragma once

#include "containers.h"
#include "engine.h"

/* How long a control call may wait for a shim before it is treated as stuck. */
#define SHIM_CALL_TIMEOUT_MS 5000

/* Writes c's state columns to the store. */
int ctr_save(struct ctr *c, struct ctrd_error *err);

/* Adds a loaded or created container to the engine's list (takes c). */
void ctr_link(struct ctrd_engine *e, struct ctr *c);
/* Unlinks and frees c (cancels its watch; the container itself is not touched). */
void ctr_unlink_free(struct ctr *c);

/* Makes a struct ctr from a record (taken over on success). */
int ctr_from_record(struct ctrd_engine *e, struct store_container *rec, struct ctr **ret,
                    struct ctrd_error *err);

/*
 * Drops c's parsed trees (ctr_config(), ctr_host()) now rather than when the
 * loop blocks: for loops over many containers (load, list), so the heap
 * never holds every tree at once. Only where no pointer into them is held.
 */
void ctr_parsed_release(struct ctr *c);

/* Starts watching a running container's shim for its exit (ctr-run.c). */
int ctr_watch(struct ctr *c, struct ctrd_error *err);

/* Runs the waiters whose condition an event meets (ctr-run.c). */
void ctr_notify_waiters(struct ctr *c, enum ctr_wait_condition event);

/*
 * Emits a container event; attributes get the container's name, image and
 * labels, plus extra_key=extra_value when extra_key is given.
 */
void ctr_event(struct ctr *c, const char *action, const char *extra_key, const char *extra_value);

/* Sets a state string ("running", ...) on the record. */
int ctr_set_state(struct ctr *c, const char *state);

/* The value of a JSON string member, or def. */
const char *ctr_json_str(json_t *o, const char *key, const char *def);

/* Hands clients that attached while the shim was being spawned to the running shim. */
void ctr_early_attach_flush(struct ctr *c);

/* Closes the sockets of clients attached before a start that will not come. */
void ctr_early_attach_close(struct ctr *c);

/* Kills a running container and calls done once its exit was recorded (ctr-run.c). */
int ctr_kill_and_wait(struct ctr *c, ctr_done_fn done, void *userdata, struct ctrd_error *err);
