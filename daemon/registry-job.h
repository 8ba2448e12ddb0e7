/*
 * What every registry job's request to the image worker carries
 * (docs/image-worker.md): the daemon's registry options and the client's
 * credentials, as {"Registry": {"Mirrors", "Insecure"}, "Auth": {"username",
 * "password", "identitytoken"}}. The request goes through a memory file on
 * the worker's stdin, never argv or the environment.
 */
#pragma once

#include <jansson.h>

#include "daemon/registry-auth.h"
#include "daemon/registry-client.h"

/* A new request object holding opts and creds (either may be NULL); the caller adds its fields. */
json_t *registry_job_request(const struct registry_options *opts, const struct registry_creds *creds);
