/*
 * HostConfig.Ulimits ([{"Name":"nofile","Soft":1024,"Hard":2048}]) as
 * Docker's go-units spells the names, checked, and turned into OCI
 * process.rlimits ("RLIMIT_NOFILE").
 */
#pragma once

#include <jansson.h>

#include "error.h"

int ctr_rlimits_check(json_t *ulimits, struct ctrd_error *err);

/* A new OCI rlimits list for checked Ulimits (an empty list for NULL). */
int ctr_rlimits_to_oci(json_t *ulimits, json_t **ret, struct ctrd_error *err);
