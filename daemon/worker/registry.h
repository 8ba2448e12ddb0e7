/*
 * What the registry verbs (pull, push, login, distribution) share: their
 * request holds the daemon's registry options and the client's credentials
 * (daemon/registry-job.h) and, but for login, "Ref", a full reference.
 */
#pragma once

#include <jansson.h>

#include "daemon/image-ref.h"
#include "daemon/registry-client.h"
#include "error.h"

/* A client for domain/repo with the request's options and credentials. */
int worker_registry_client(json_t *request, const char *domain, const char *repo,
                           struct registry_client **ret, struct ctrd_error *err);

/* The request's "Ref", parsed. */
int worker_registry_ref(json_t *request, struct image_ref *ret, struct ctrd_error *err);
