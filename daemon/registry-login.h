/*
 * Docker's POST /auth: checks credentials against a registry (GET /v2/ with
 * its challenge answered) in the image worker (login, daemon/worker/login.c).
 * Nothing is stored daemon-side (the client keeps the credentials, as the
 * docker CLI does in config.json).
 */
#pragma once

#include "daemon/image-service.h"
#include "daemon/registry-auth.h"
#include "daemon/registry-client.h"

typedef void (*registry_login_done_fn)(int r, const struct ctrd_error *err, void *userdata);

/* server: "host[:port]" or an http(s):// URL naming one; done comes on the loop. */
int registry_login_start(struct image_service *svc, const struct registry_options *opts,
                         const char *server, const struct registry_creds *creds,
                         registry_login_done_fn done, void *userdata, struct ctrd_error *err);

/* The registry host a login server names: "https://index.docker.io/v1/" is docker.io. */
char *registry_login_host(const char *server);
