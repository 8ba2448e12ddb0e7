/* ctrctl's transport: HTTP/1.1 to ctrd's Unix socket through libcurl. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

struct ctl_client {
        void *curl;                     /* CURL *, reused so the connection is kept alive */
        char *socket_path;
        char *host;                     /* as given: unix:///path */
        bool debug;
};

struct ctl_response {
        long status;
        char *body;                     /* NUL-terminated */
        size_t len;
};

/* Parses "unix:///path" (the only scheme ctrd serves). */
int ctl_client_init(struct ctl_client *c, const char *host, bool debug);
void ctl_client_done(struct ctl_client *c);

/*
 * Sends method path (with "/v1.41" prefixed) and an optional JSON body.
 * Returns 0 when an HTTP answer arrived (any status), or prints
 * "cannot connect to ctrd at HOST: is it running?" and returns -ECONNREFUSED.
 */
int ctl_request(struct ctl_client *c, const char *method, const char *path, json_t *body,
                struct ctl_response *ret);
void ctl_response_done(struct ctl_response *r);

/* Parses a 2xx JSON answer; on an error status prints the daemon's message. */
int ctl_response_json(const struct ctl_response *r, json_t **ret);

/* Prints "Error response from daemon: <message>" for a non-2xx answer; returns -EIO. */
int ctl_print_api_error(const struct ctl_response *r);

/* URL-encodes s for a query string; heap result. */
char *ctl_urlencode(struct ctl_client *c, const char *s);

/* A one-line error on stderr, as every ctrctl failure ends. */
void ctl_error(const char *fmt, ...) _printf_(1, 2);
