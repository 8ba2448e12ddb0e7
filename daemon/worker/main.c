/*
 * ctrd-image-worker VERB --data-root DIR: runs one image job for ctrd
 * (docs/image-worker.md). Not meant to be run by hand.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cleanup.h"
#include "daemon/image-new.h"
#include "log.h"
#include "worker.h"

/* A request is a few KiB; save names every layer of many images. */
#define REQUEST_MAX (16 * 1024 * 1024)

static const struct {
        const char *verb;
        worker_verb_fn fn;
} verbs[] = {
        { "pull", worker_pull },
        { "push", worker_push },
        { "login", worker_login },
        { "distribution", worker_distribution },
        { "import", worker_import },
        { "load", worker_load },
        { "save", worker_save },
};

static worker_verb_fn find_verb(const char *verb) {
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
                if (strcmp(verbs[i].verb, verb) == 0)
                        return verbs[i].fn;
        return NULL;
}

static int read_request(json_t **ret, struct ctrd_error *err) {
        json_error_t jerr;
        _cleanup_free_ char *buf = NULL;
        size_t len = 0, cap = 0;
        for (;;) {
                if (cap - len < 4096) {
                        cap = cap ? cap * 2 : 16384;
                        char *b = cap <= REQUEST_MAX ? realloc(buf, cap) : NULL;
                        if (!b)
                                return ctrd_error_set(err, E2BIG, "the request is too large");
                        buf = b;
                }
                ssize_t n = read(STDIN_FILENO, buf + len, cap - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return ctrd_error_sys(err, errno, "reading the request");
                if (n == 0)
                        break;
                len += (size_t) n;
        }
        *ret = json_loadb(buf, len, 0, &jerr);
        if (!*ret || !json_is_object(*ret))
                return ctrd_error_set(err, EINVAL, "the request is not a JSON object: %s", jerr.text);
        return 0;
}

static void ctx_clear(struct worker_ctx *ctx) {
        layer_store_free(ctx->layers);
        free(ctx->configs_dir);
        free(ctx->tmp_dir);
}

static int ctx_open(const char *data_root, struct worker_ctx *ctx, struct ctrd_error *err) {
        if (image_dirs(data_root, &ctx->configs_dir, &ctx->tmp_dir) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        /* fd 3 is the job's data when the daemon passed one, and nothing else. */
        ctx->data_fd = fcntl(3, F_GETFD) >= 0 ? 3 : -1;
        return layer_store_join(data_root, &ctx->layers, err);
}

static int usage(void) {
        fprintf(stderr, "ctrd-image-worker runs image jobs for ctrd; it is not meant to be run by hand.\n"
                "usage: ctrd-image-worker VERB --data-root DIR  (request on stdin, answer on stdout)\n");
        return 2;
}

int main(int argc, char *argv[]) {
        ctrd_log_set_ident("ctrd-image-worker");
        if (argc != 4 || strcmp(argv[2], "--data-root") != 0 || isatty(STDIN_FILENO))
                return usage();
        worker_verb_fn fn = find_verb(argv[1]);
        if (!fn) {
                fprintf(stderr, "ctrd-image-worker: unknown job '%s'\n", argv[1]);
                return 2;
        }
        /* The job is the daemon's: if it dies, so do we (its successor empties tmp/). */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
                return log_error_errno(errno, "prctl(PR_SET_PDEATHSIG)"), 1;
        /* A daemon that stopped reading makes our writes fail, not kill us mid-layer. */
        signal(SIGPIPE, SIG_IGN);

        struct ctrd_error err = { 0 };
        struct worker_ctx ctx = { .data_fd = -1 };
        json_auto_t *request = NULL, *result = NULL;
        int r = read_request(&request, &err);
        if (r >= 0)
                r = ctx_open(argv[3], &ctx, &err);
        if (r >= 0)
                r = fn(&ctx, request, &result, &err);
        ctx_clear(&ctx);
        if (worker_answer(r >= 0 ? result : NULL, &err) < 0)
                return 1;
        return r < 0 ? 1 : 0;
}
