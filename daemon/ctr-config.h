/*
 * Docker container config: what a client sends to POST /containers/create,
 * checked and normalized into the Config and HostConfig objects that
 * GET /containers/{id}/json shows (Docker's key order, Docker's defaults),
 * and merged with the image's config as Docker merges it. Pure functions
 * over jansson objects except for one stat() per bind-mount source; the
 * rules are documented in docs/container-config.md.
 */
#pragma once

#include <jansson.h>

#include "error.h"

/* Docker's smallest memory limit and reservation (6 MiB). */
#define CTR_MEMORY_MIN 6291456
/* Docker's default /dev/shm size (64 MiB). */
#define CTR_SHM_DEFAULT 67108864
#define CTR_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/*
 * Validates a create body. On success *ret_config and *ret_host are new
 * objects with Docker's defaults filled in (as inspect shows them: e.g.
 * HostConfig.ShmSize 67108864, LogConfig {"Type":"json-file","Config":{}},
 * RestartPolicy {"Name":"no",...}, NetworkMode "default" kept as given). Bad
 * input -> -EINVAL and err->msg is the 400 message (Docker's wording where
 * Docker has one). Unsupported fields with non-default values -> -EINVAL
 * naming the field.
 */
int ctr_config_validate(json_t *body, json_t **ret_config, json_t **ret_host,
                        struct ctrd_error *err);

/*
 * Fills Cmd/Entrypoint/Env/WorkingDir/User/Labels/StopSignal/ExposedPorts/
 * Volumes/Shell from the image's config (the "config" object of the OCI
 * image config, or Docker's ContainerConfig shape; NULL = nothing to merge)
 * as Docker merges them: an Entrypoint given without Cmd drops the image's
 * Cmd, Env is merged by key, maps are merged key by key. config is modified
 * in place.
 */
int ctr_config_merge_image(json_t *config, json_t *image_config, struct ctrd_error *err);

/*
 * Parses a signal as Docker accepts it ("SIGTERM", "TERM", "15");
 * -EINVAL when unknown.
 */
int ctr_config_parse_signal(const char *s, int *ret);
