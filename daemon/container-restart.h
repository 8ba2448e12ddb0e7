/*
 * Restart policies (HostConfig.RestartPolicy: no, always, unless-stopped,
 * on-failure[:N]) with Docker's back-off: 100 ms doubling per restart, reset
 * once a run lasted 10 s, at most a minute. A container waiting to be
 * restarted is in state "restarting". At daemon start, "always" containers
 * and "unless-stopped" ones not stopped by hand are started again.
 */
#pragma once

#include <stdbool.h>

struct ctr;
struct ctrd_engine;

/* After an exit: whether the policy wants the container back. */
bool ctr_restart_wanted(struct ctr *c);

/* Saves state "restarting" and starts the container after the back-off. */
void ctr_restart_schedule(struct ctr *c);

/* Drops a pending restart (stop, kill, remove); the state becomes "exited". */
void ctr_restart_cancel(struct ctr *c);

/* Frees a pending restart's timer without touching the record (the engine is going away). */
void ctr_restart_drop(struct ctr *c);

/* Starts what the policies want running after a daemon start. */
void ctr_restart_on_boot(struct ctrd_engine *e);
