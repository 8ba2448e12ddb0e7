/*
 * The start line on the sync fd (docs/shim-protocol.md, "Handshake"):
 * {"pid":N} once the monitor serves, or {"error":...,"errno":N} after a
 * failed start. `ctrd-shim daemon` writes the error of a start that failed
 * before the handover; ctrd-shim-monitor writes everything after it.
 */
#pragma once

#include <sys/types.h>

#include "error.h"

/* Writes the line (err NULL: started with pid) and closes *sync_fd; a no-op when it is < 0. */
void shim_sync_report(int *sync_fd, pid_t pid, const struct ctrd_error *err);
