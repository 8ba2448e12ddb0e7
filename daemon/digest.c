#include "digest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

/*
 * Nettle rather than OpenSSL: both are mapped anyway (libmicrohttpd's GnuTLS
 * is built on nettle), but initialising OpenSSL's EVP layer touched ~3 MiB
 * of libcrypto in a daemon whose target is 10 MiB resident.
 */
int digest_init(struct digest_ctx *ctx) {
        struct sha256_ctx *md = malloc(sizeof(*md));
        if (!md)
                return -ENOMEM;
        sha256_init(md);
        ctx->md = md;
        return 0;
}

void digest_update(struct digest_ctx *ctx, const void *data, size_t len) {
        if (len > 0)
                sha256_update(ctx->md, len, data);
}

int digest_final(struct digest_ctx *ctx, char ret[DIGEST_STR_LEN + 1]) {
        static const char hex[] = "0123456789abcdef";
        uint8_t md[SHA256_DIGEST_SIZE];

        if (!ctx->md)
                return -EINVAL;
        sha256_digest(ctx->md, sizeof(md), md);
        digest_done(ctx);
        char *p = stpcpy(ret, DIGEST_PREFIX);
        for (size_t i = 0; i < sizeof(md); i++) {
                *p++ = hex[md[i] >> 4];
                *p++ = hex[md[i] & 15];
        }
        *p = '\0';
        return 0;
}

void digest_done(struct digest_ctx *ctx) {
        free(ctx->md);
        ctx->md = NULL;
}

int digest_buffer(const void *data, size_t len, char ret[DIGEST_STR_LEN + 1]) {
        struct digest_ctx ctx = { 0 };
        int r = digest_init(&ctx);
        if (r < 0)
                return r;
        digest_update(&ctx, data, len);
        return digest_final(&ctx, ret);
}

int digest_chain_id(const char *parent_chain, const char *diff_id, char ret[DIGEST_STR_LEN + 1]) {
        if (!digest_is_valid(diff_id) || (parent_chain && !digest_is_valid(parent_chain)))
                return -EINVAL;
        if (!parent_chain) {
                memcpy(ret, diff_id, DIGEST_STR_LEN + 1);
                return 0;
        }
        char buf[2 * DIGEST_STR_LEN + 2];
        snprintf(buf, sizeof(buf), "%s %s", parent_chain, diff_id);
        return digest_buffer(buf, strlen(buf), ret);
}

bool digest_is_hex(const char *s) {
        size_t n = 0;
        for (; s[n]; n++)
                if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
                        return false;
        return n == DIGEST_HEX_LEN;
}

bool digest_is_valid(const char *s) {
        return s && strncmp(s, DIGEST_PREFIX, sizeof(DIGEST_PREFIX) - 1) == 0 &&
               digest_is_hex(digest_hex(s));
}
