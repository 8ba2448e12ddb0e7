#include "stdio-buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int shim_buf_append(struct shim_buf *b, const void *p, size_t n) {
        if (n == 0)
                return 0;
        if (b->len + n > b->cap) {
                size_t cap = b->cap ? b->cap : 256;
                while (cap < b->len + n)
                        cap *= 2;
                char *d = realloc(b->data, cap);
                if (!d)
                        return -ENOMEM;
                b->data = d;
                b->cap = cap;
        }
        memcpy(b->data + b->len, p, n);
        b->len += n;
        return 0;
}

void shim_buf_consume(struct shim_buf *b, size_t n) {
        if (n >= b->len) {
                b->len = 0;
                return;
        }
        memmove(b->data, b->data + n, b->len - n);
        b->len -= n;
}

void shim_buf_done(struct shim_buf *b) {
        free(b->data);
        *b = (struct shim_buf) { 0 };
}
