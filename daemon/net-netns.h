/*
 * Network namespace files: a namespace kept alive by a bind mount of its
 * nsfs file at RUN/netns/<container id>, so it exists before the container
 * and the daemon can set it up, hand its path to the shim and remove it.
 */
#pragma once

#include "error.h"

/* Makes a new netns with lo up and pins it at path (which must not exist). */
int net_netns_create(const char *path, struct ctrd_error *err);
/* Unmounts and unlinks path; a missing file is fine. */
int net_netns_remove(const char *path, struct ctrd_error *err);

/*
 * Moves the calling thread into the netns at path; *ret_orig is the fd to
 * hand to net_netns_leave to come back. Only the calling thread moves: the
 * loop thread enters, does its netlink work, and leaves before it returns
 * to the loop.
 */
int net_netns_enter(const char *path, int *ret_orig, struct ctrd_error *err);
void net_netns_leave(int orig);
