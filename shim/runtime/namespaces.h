/*
 * Namespaces, parent side. New namespaces come from clone() flags, except
 * the cgroup namespace, which the child unshares once it is in its cgroup.
 * A namespace given by path is joined by the parent around clone(): it
 * setns()es into it, clones (the child inherits it), and setns()es back, so
 * the shim itself stays where it was. That order also lets a container with
 * its own user namespace join a network namespace owned by the host's.
 */
#pragma once

#include <sys/types.h>

#include "shim/runtime/spec.h"

#define RT_NS_SAVED_MAX 8

struct rt_ns_saved {
        int fds[RT_NS_SAVED_MAX];
        int types[RT_NS_SAVED_MAX];
        size_t n;
};

/* CLONE_NEW* flags for clone(). */
int rt_ns_clone_flags(const struct rt_spec *s);

/* Joins every namespace of s given by path but the user namespace; saved records how to
 * come back. */
int rt_ns_enter_paths(const struct rt_spec *s, struct rt_ns_saved *saved, struct ctrd_error *err);

/* Returns to the namespaces saved; closes the saved fds. */
int rt_ns_restore(struct rt_ns_saved *saved, struct ctrd_error *err);

/* Writes linux.uidMappings / gidMappings for the child pid. */
int rt_ns_write_idmaps(pid_t pid, const struct rt_spec *s, struct ctrd_error *err);
