/*
 * ctrd-image-worker (docs/image-worker.md): one image job per process. The
 * daemon writes the request to our stdin and reads our answer from stdout;
 * fd 3 is the job's data stream when it has one. A verb does its work
 * blocking (threads of its own if it likes), reports progress with
 * worker_progress(), and returns its result; main() writes the last line.
 */
#pragma once

#include <jansson.h>

#include "daemon/layer-store.h"
#include "error.h"

/* Where the job works: the daemon's data root, as it laid it out. */
struct worker_ctx {
        struct layer_store *layers;     /* DATA/layers, joined (tmp/ is shared) */
        char *configs_dir;              /* DATA/image/configs */
        char *tmp_dir;                  /* DATA/image/tmp */
        int data_fd;                    /* 3, or -1 when the daemon passed none */
};

/* Returns 0 with *ret_result (a new reference) or -errno with err set. */
typedef int (*worker_verb_fn)(struct worker_ctx *ctx, json_t *request, json_t **ret_result,
                              struct ctrd_error *err);

/* From any thread: one {"progress": m} line, written whole. m is stolen (NULL is ignored). */
void worker_progress(json_t *m);

/* A JSON array of strings (or null/absent: empty) as a NULL-terminated list; -EINVAL otherwise. */
int worker_strv(json_t *a, char ***ret);

/* The final line: {"result": r} or {"error": {...}}. Returns 0 or -errno (stdout gone). */
int worker_answer(json_t *result, const struct ctrd_error *err);

int worker_pull(struct worker_ctx *ctx, json_t *request, json_t **ret_result, struct ctrd_error *err);
int worker_push(struct worker_ctx *ctx, json_t *request, json_t **ret_result, struct ctrd_error *err);
int worker_login(struct worker_ctx *ctx, json_t *request, json_t **ret_result, struct ctrd_error *err);
int worker_distribution(struct worker_ctx *ctx, json_t *request, json_t **ret_result,
                        struct ctrd_error *err);

int worker_import(struct worker_ctx *ctx, json_t *request, json_t **ret_result,
                  struct ctrd_error *err);
int worker_load(struct worker_ctx *ctx, json_t *request, json_t **ret_result,
                struct ctrd_error *err);
int worker_save(struct worker_ctx *ctx, json_t *request, json_t **ret_result,
                struct ctrd_error *err);
