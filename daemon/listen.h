/* The API socket: handed in by systemd, or bound by ctrd itself. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

/*
 * Returns the first socket systemd passed (LISTEN_PID/LISTEN_FDS), made
 * non-blocking and close-on-exec, and clears those variables; -ENOENT when
 * not socket-activated.
 */
int listen_from_systemd(struct ctrd_error *err);

/*
 * Binds and listens on an AF_UNIX socket at path (mode 0660, group gid when
 * gid != (gid_t) -1). A path held by a live listener is refused with -EADDRINUSE;
 * a stale socket is replaced; anything else at path is refused.
 */
int listen_unix(const char *path, gid_t gid, struct ctrd_error *err);

/*
 * Resolves the socket group: name given → must exist (in /etc/group, else
 * through NSS); NULL → "ctrd" if /etc/group has it, else none.
 */
int listen_socket_group(const char *name, gid_t *ret, struct ctrd_error *err);
