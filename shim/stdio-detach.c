#include "stdio-detach.h"

#include <errno.h>
#include <string.h>

/* One key: a character, or ctrl-X as the terminal sends it. */
static int parse_key(const char *k, size_t len, uint8_t *ret) {
        static const char ctrl_punct[] = "@[\\]^_";

        if (len == 1) {
                *ret = (uint8_t) k[0];
                return 0;
        }
        if (len != 6 || strncmp(k, "ctrl-", 5) != 0)
                return -EINVAL;
        char c = k[5];
        if (c >= 'a' && c <= 'z')
                *ret = (uint8_t) (c - 'a' + 1);
        else if (c && strchr(ctrl_punct, c))
                *ret = (uint8_t) (c == '@' ? 0 : 27 + (strchr(ctrl_punct, c) - ctrl_punct) - 1);
        else
                return -EINVAL;
        return 0;
}

int shim_detach_parse(const char *spec, struct shim_detach *ret, struct ctrd_error *err) {
        struct shim_detach d = { .len = 0 };
        const char *p = spec && *spec ? spec : SHIM_DETACH_DEFAULT;

        for (;;) {
                size_t len = strcspn(p, ",");
                if (d.len == SHIM_DETACH_MAX)
                        return ctrd_error_set(err, EINVAL, "detach keys '%s': more than %d keys", spec,
                                              SHIM_DETACH_MAX);
                if (parse_key(p, len, &d.keys[d.len++]) < 0)
                        return ctrd_error_set(err, EINVAL, "detach keys '%s': unknown key '%.*s'", spec,
                                              (int) len, p);
                if (!p[len])
                        break;
                p += len + 1;
        }
        *ret = d;
        return 0;
}

size_t shim_detach_filter(struct shim_detach *d, const char *in, size_t n, char *out, bool *ret_detach) {
        size_t m = 0;

        *ret_detach = false;
        for (size_t i = 0; i < n; i++) {
                uint8_t c = (uint8_t) in[i];
                if (d->len > 0 && c == d->keys[d->pos]) {
                        if (++d->pos == d->len) {
                                d->pos = 0;
                                *ret_detach = true;
                                return m;
                        }
                        continue;
                }
                /* A broken match: what was held back was typed for the process. */
                memcpy(out + m, d->keys, d->pos);
                m += d->pos;
                d->pos = 0;
                if (d->len > 0 && c == d->keys[0]) {
                        d->pos = 1;
                        continue;
                }
                out[m++] = (char) c;
        }
        return m;
}
