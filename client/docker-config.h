/*
 * What ctrctl shares with the docker CLI about registries: credentials in
 * $DOCKER_CONFIG/config.json (default ~/.docker/config.json) and the
 * X-Registry-Auth header that carries them to the daemon.
 */
#pragma once

#include <jansson.h>
#include <stddef.h>

#define CTL_B64_STD "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
#define CTL_B64_URL "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

/* Padded base64 of in with the given alphabet (config.json: standard; X-Registry-Auth: URL-safe). */
char *ctl_base64(const char *alphabet, const char *in, size_t len);

char *ctl_docker_config_path(void);
/* The parsed file, or an empty object when it is missing or not JSON. */
json_t *ctl_docker_config_load(const char *path);

/* The registry host of a reference, as Docker decides it: a first component with '.' or ':'. */
char *ctl_registry_of(const char *ref);

/* "X-Registry-Auth: ..." from config.json's entry for host, or NULL when there is none. */
char *ctl_registry_auth_header(const char *host);
