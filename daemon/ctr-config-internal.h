/* Shared between the ctr-config*.c files only. */
#pragma once

#include <jansson.h>

#include "error.h"

/* HostConfig of the create body (NULL = none) -> the normalized object. */
int ctr_hostconfig_normalize(json_t *in, json_t **ret, struct ctrd_error *err);

/* The resource limits of a normalized HostConfig: ranges and Docker's rules. */
int ctr_resources_check(json_t *host, struct ctrd_error *err);

/* LogConfig and RestartPolicy of a normalized HostConfig, checked and defaulted. */
int ctr_policies_check(json_t *host, struct ctrd_error *err);

/* Dns, DnsSearch, DnsOptions, ExtraHosts: one safe token each (they go into /etc files). */
int ctr_dns_check(json_t *host, struct ctrd_error *err);
