/*
 * The control requests that need the runtime's cgroup: "pause" and "resume"
 * (freeze and thaw every process of the container), "stats" (the counters
 * `docker stats` shows, plus the host's CPU time read at the same moment)
 * and "pids" (the processes in the cgroup, for `docker top`).
 * Protocol: docs/shim-protocol.md.
 */
#pragma once

#include "control-proto.h"

struct rt_container;

/* Answers req for container c (NULL once the container was destroyed); a malloc'ed reply line. */
char *shim_control_ops_handle(struct rt_container *c, const struct shim_request *req);
