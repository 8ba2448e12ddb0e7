/* The files ctrd writes for a container and bind-mounts into it. */
#pragma once

#include <jansson.h>

#include "error.h"

/*
 * Writes DIR/hostname, DIR/hosts and DIR/resolv.conf: the hostname, localhost
 * entries plus the container's own name and HostConfig.ExtraHosts, and the
 * host's resolv.conf without loopback nameservers (which cannot be reached
 * from the container's network namespace), or HostConfig.Dns/DnsSearch/DnsOptions.
 */
int ctr_files_write(const char *dir, const char *hostname, json_t *host_config,
                    struct ctrd_error *err);
