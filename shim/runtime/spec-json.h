/*
 * Typed getters over jansson for spec.c / spec-linux.c. Each takes the dotted
 * path of the object it looks in ("process.user"), so an error names the
 * exact field: "process.user.uid: expected integer". A missing optional key
 * leaves *ret untouched and returns 0; JSON null counts as missing.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "error.h"

#define RT_FIELD_MAX 256

/* Fails on any key of obj not in the NULL-terminated allowed list. */
int rt_jkeys(json_t *obj, const char *path, const char *const *allowed, struct ctrd_error *err);

int rt_jobject(json_t *obj, const char *path, const char *key, bool required, json_t **ret,
               struct ctrd_error *err);
int rt_jarray(json_t *obj, const char *path, const char *key, bool required, json_t **ret,
              struct ctrd_error *err);
int rt_jstring(json_t *obj, const char *path, const char *key, bool required, char **ret,
               struct ctrd_error *err);
int rt_jbool(json_t *obj, const char *path, const char *key, bool *ret, struct ctrd_error *err);
int rt_jint(json_t *obj, const char *path, const char *key, bool required, int64_t min,
            int64_t max, int64_t *ret, struct ctrd_error *err);
/* Unsigned: jansson stores integers as signed 64-bit, so max is capped at INT64_MAX. */
int rt_juint(json_t *obj, const char *path, const char *key, bool required, uint64_t max,
             uint64_t *ret, struct ctrd_error *err);
/* An array of strings as a NULL-terminated strv (an empty array gives an empty strv). */
int rt_jstrv(json_t *obj, const char *path, const char *key, bool required, char ***ret,
             struct ctrd_error *err);

/* "path.key" or "path[i]" into buf. */
const char *rt_jfield(char buf[static RT_FIELD_MAX], const char *path, const char *key);
const char *rt_jindex(char buf[static RT_FIELD_MAX], const char *path, size_t i);
