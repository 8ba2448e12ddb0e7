#include "digest.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

int digest_init(struct digest_ctx *ctx) {
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        if (!md)
                return -ENOMEM;
        if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
                EVP_MD_CTX_free(md);
                return -EIO;
        }
        ctx->md = md;
        return 0;
}

void digest_update(struct digest_ctx *ctx, const void *data, size_t len) {
        /* EVP_DigestUpdate on an initialised sha256 context cannot fail. */
        if (len > 0)
                EVP_DigestUpdate(ctx->md, data, len);
}

int digest_final(struct digest_ctx *ctx, char ret[DIGEST_STR_LEN + 1]) {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        int ok = EVP_DigestFinal_ex(ctx->md, md, &n);
        digest_done(ctx);
        if (ok != 1 || n != DIGEST_HEX_LEN / 2)
                return -EIO;
        char *p = stpcpy(ret, DIGEST_PREFIX);
        for (unsigned int i = 0; i < n; i++)
                p += sprintf(p, "%02x", md[i]);
        return 0;
}

void digest_done(struct digest_ctx *ctx) {
        EVP_MD_CTX_free(ctx->md);
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
