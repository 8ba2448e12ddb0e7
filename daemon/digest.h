/*
 * Content digests as Docker and the OCI image spec write them:
 * "sha256:" followed by 64 lowercase hex digits. Layers are named by their
 * diffID (sha256 of the uncompressed tar) and chainID (the digest of the whole
 * stack below and including a layer), images by the digest of their config.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define DIGEST_PREFIX "sha256:"
#define DIGEST_HEX_LEN 64
#define DIGEST_STR_LEN (sizeof(DIGEST_PREFIX) - 1 + DIGEST_HEX_LEN)

/* An incremental sha256; md is nettle's sha256_ctx, kept opaque here. */
struct digest_ctx {
        void *md;
};

int digest_init(struct digest_ctx *ctx);
void digest_update(struct digest_ctx *ctx, const void *data, size_t len);
/* Writes "sha256:<hex>" into ret and releases the context. */
int digest_final(struct digest_ctx *ctx, char ret[DIGEST_STR_LEN + 1]);
/* Releases a context that was never finalised; safe on a zeroed or finalised one. */
void digest_done(struct digest_ctx *ctx);

int digest_buffer(const void *data, size_t len, char ret[DIGEST_STR_LEN + 1]);

/*
 * chainID(L0) = diffID(L0); chainID(Ln) = sha256(chainID(Ln-1) + " " + diffID(Ln)).
 * parent_chain NULL means diff_id is the bottom layer.
 */
int digest_chain_id(const char *parent_chain, const char *diff_id, char ret[DIGEST_STR_LEN + 1]);

/* true for "sha256:" + exactly 64 lowercase hex digits. */
bool digest_is_valid(const char *s);

/* true for exactly 64 lowercase hex digits (a bare image ID). */
bool digest_is_hex(const char *s);

/* The hex part of a valid digest. */
static inline const char *digest_hex(const char *d) {
        return d + sizeof(DIGEST_PREFIX) - 1;
}
