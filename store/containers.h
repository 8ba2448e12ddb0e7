/*
 * Container records. The Config and HostConfig objects are kept as the JSON
 * text inspect shows; the state fields are columns so lists and filters need
 * no JSON parsing. Every state change is written here before it is reported.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

struct store;

#define STORE_ID_MAX 65                 /* 64 hex + NUL */
#define STORE_TIME_MAX 40               /* RFC 3339 with ns */

struct store_container {
        char id[STORE_ID_MAX];
        char *name;                     /* without the leading '/' */
        char *image;                    /* as the user gave it */
        char *image_id;                 /* "sha256:..." */
        int64_t created_ns;             /* unix time, ns */
        char *config;                   /* JSON text */
        char *host_config;              /* JSON text */
        char *state;                    /* created running paused restarting removing exited dead */
        int64_t pid;
        int64_t exit_code;
        char *error;
        bool oom_killed;
        char started_at[STORE_TIME_MAX];        /* "" = never */
        char finished_at[STORE_TIME_MAX];
        int64_t restart_count;
        bool manually_stopped;          /* for unless-stopped and daemon restarts */
};

void store_container_clear(struct store_container *c);

/* -EEXIST when the id or the name is taken. */
int store_container_add(struct store *s, const struct store_container *c, struct ctrd_error *err);
int store_container_get(struct store *s, const char *id, struct store_container *ret,
                        struct ctrd_error *err);
/* All records, newest first; *ret is an array of *ret_n records. */
int store_container_list(struct store *s, struct store_container **ret, size_t *ret_n,
                         struct ctrd_error *err);
void store_container_list_free(struct store_container *l, size_t n);
/* Writes the state columns (state, pid, exit code, error, oom, times, restarts, stopped flag). */
int store_container_update_state(struct store *s, const struct store_container *c,
                                 struct ctrd_error *err);
/* -EEXIST when the new name is taken. */
int store_container_rename(struct store *s, const char *id, const char *name,
                           struct ctrd_error *err);
int store_container_remove(struct store *s, const char *id, struct ctrd_error *err);
/* How many containers use the image (for rmi's 409). */
int store_container_count_by_image(struct store *s, const char *image_id, int64_t *ret,
                                   struct ctrd_error *err);
