/*
 * Image configs (the OCI/Docker "config" JSON whose sha256 is the image ID).
 * Parsing what the engine needs from one, and making the one an import gets:
 * one layer, the Dockerfile-style changes given with it (CMD, ENTRYPOINT,
 * ENV, WORKDIR, USER, LABEL, EXPOSE, VOLUME, STOPSIGNAL), and a history entry.
 */
#pragma once

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "error.h"

struct image_config {
        json_t *root;                   /* the whole config, owned */
        char **diff_ids;                /* rootfs.diff_ids, NULL-terminated */
        size_t n_layers;
        int64_t created;                /* unix seconds; 0 when absent */
};

/* Parses and checks config bytes (rootfs.type "layers", valid diffIDs). */
int image_config_parse(const char *data, size_t len, struct image_config *ret,
                       struct ctrd_error *err);
void image_config_clear(struct image_config *c);

/* Applies one change ("CMD [\"/bin/sh\"]", "ENV A=B", ...) to the "config" object. */
int image_config_apply_change(json_t *config, const char *change, struct ctrd_error *err);

/*
 * The config of an imported rootfs: serialised bytes in *ret (heap, NUL-
 * terminated; the image ID is their sha256).
 */
int image_config_for_import(const char *diff_id, char *const *changes, const char *comment,
                            const struct timespec *now, char **ret, struct ctrd_error *err);

/* RFC 3339 with nanoseconds in UTC, as Docker writes "created". */
void image_format_time(const struct timespec *ts, char buf[40]);
/* Parses the seconds of an RFC 3339 time; -EINVAL when it is not one. */
int image_parse_time(const char *s, int64_t *ret);
