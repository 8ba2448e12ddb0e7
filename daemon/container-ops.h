/*
 * Pause, unpause, top and stats: what the daemon asks the shim of a running
 * container (docs/shim-protocol.md, "pause", "resume", "stats", "pids").
 * The shim calls are short local socket round trips made on the loop, each
 * bounded by a receive timeout so a stuck shim cannot hold the daemon.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "error.h"
#include "shim-client.h"

struct ctr;

/* Freezes the container; "paused" is saved before this returns. -EBUSY (409) when not
 * running or already paused, with Docker's messages. */
int ctr_pause(struct ctr *c, struct ctrd_error *err);
int ctr_unpause(struct ctr *c, struct ctrd_error *err);

/*
 * After signo was sent to a paused container: as dockerd does, SIGKILL and
 * the stop signal thaw it (a frozen process cannot act on a signal), and it
 * is running again.
 */
void ctr_ops_after_kill(struct ctr *c, int signo);

/* docker top: {"Titles":[...],"Processes":[[...]]} in `ps -ef` columns (container-top.c).
 * ps_args may be NULL, "" or a spelling of -ef; others are -EINVAL. */
int ctr_top(struct ctr *c, const char *ps_args, json_t **ret, struct ctrd_error *err);

/* One reading of the container's counters; -EBUSY when it is not running (container-stats.c). */
int ctr_stats_sample(struct ctr *c, struct ctrd_shim_stats *ret, struct ctrd_error *err);

/*
 * Docker's stats object for cur, with precpu_stats/preread from pre (NULL:
 * zeros). cur NULL is a stopped container: zeros and the zero time, as
 * dockerd answers.
 */
json_t *ctr_stats_json(struct ctr *c, const struct ctrd_shim_stats *cur,
                       const struct ctrd_shim_stats *pre);

/* Connects to the container's shim with send and receive timeouts (container-ops.c). */
int ctr_ops_connect(struct ctr *c, unsigned timeout_ms, struct ctrd_error *err);
