/* The HTTP API server as daemon/main.c sees it: libmicrohttpd inside the libuv loop. */
#pragma once

#include <uv.h>

#include "error.h"

struct ctrd_engine;
struct api_server;

struct api_server_config {
        int listen_fd;                  /* a bound, listening AF_UNIX stream socket; taken over */
        unsigned idle_timeout_s;        /* close connections idle this long (0 = never) */
};

typedef void (*api_server_closed_fn)(struct api_server *server, void *userdata);

int api_server_start(uv_loop_t *loop, struct ctrd_engine *engine,
                     const struct api_server_config *cfg, struct api_server **ret,
                     struct ctrd_error *err);

/*
 * Stops accepting, answers every suspended request (503 or end of stream),
 * lets in-flight responses finish for at most grace_ms, then stops MHD,
 * closes its libuv handles and calls done (after which server is freed).
 */
void api_server_shutdown(struct api_server *server, unsigned grace_ms,
                         api_server_closed_fn done, void *userdata);
