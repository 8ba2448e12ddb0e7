/*
 * Docker's POST /auth: checks credentials against a registry (GET /v2/ with
 * its challenge answered) on the threadpool. The credentials are wiped when
 * the check ends; nothing is stored daemon-side (the client keeps them, as
 * the docker CLI does in config.json).
 */
#pragma once

#include <uv.h>

#include "daemon/registry-client.h"

typedef void (*registry_login_done_fn)(int r, const struct ctrd_error *err, void *userdata);

/* server: "host[:port]" or an http(s):// URL naming one; creds are copied. */
int registry_login_start(uv_loop_t *loop, const struct registry_options *opts, const char *server,
                         const struct registry_creds *creds, registry_login_done_fn done,
                         void *userdata, struct ctrd_error *err);

/* The registry host a login server names: "https://index.docker.io/v1/" is docker.io. */
char *registry_login_host(const char *server);
