/*
 * Registry credentials and the challenge a registry answers 401 with.
 *
 * Credentials come from the X-Registry-Auth header the docker CLI sends
 * (base64url of {"username", "password", "identitytoken", "serveraddress"})
 * or from a Docker config.json ("auths": {host: {"auth": base64(user:pass)}}).
 * They are never logged; registry_creds_clear() wipes them.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "error.h"

struct registry_creds {
        char *username;
        char *password;
        char *identity_token;   /* an OAuth refresh token, instead of a password */
};

/* Decodes X-Registry-Auth; an empty or "{}" header gives empty creds. */
int registry_creds_from_header(const char *header, struct registry_creds *ret,
                               struct ctrd_error *err);

/* Docker's AuthConfig object: username, password, identitytoken, or auth (base64 user:pass). */
int registry_creds_from_json(json_t *o, struct registry_creds *ret, struct ctrd_error *err);

/* Looks host up in a Docker config.json; -ENOENT when it has no entry for host. */
int registry_creds_from_config(const char *path, const char *host, struct registry_creds *ret,
                               struct ctrd_error *err);

bool registry_creds_empty(const struct registry_creds *c);
void registry_creds_clear(struct registry_creds *c);

/* A parsed WWW-Authenticate: Bearer realm="...",service="...",scope="..." or Basic realm="...". */
struct registry_challenge {
        bool bearer;            /* else Basic */
        char *realm;
        char *service;
        char *scope;
};

int registry_challenge_parse(const char *header, struct registry_challenge *ret);
void registry_challenge_clear(struct registry_challenge *c);

/* Decodes standard or URL-safe base64, padded or not; NUL-terminated heap result. */
int registry_base64_decode(const char *in, char **ret, size_t *ret_len);
/* Standard padded base64; heap result. */
char *registry_base64_encode(const void *in, size_t len);
