#include "layer-path.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

/*
 * Appends the components of src to the cleaned path in buf (length *len),
 * applying "." and "..". Returns -EXDEV when ".." would leave the root.
 */
static int append_clean(char *buf, size_t *len, const char *src) {
        const char *p = src;
        while (*p) {
                while (*p == '/')
                        p++;
                const char *end = strchrnul(p, '/');
                size_t n = (size_t) (end - p);
                if (n == 0 || (n == 1 && p[0] == '.')) {
                        /* nothing: an empty or "." component */
                } else if (n == 2 && p[0] == '.' && p[1] == '.') {
                        if (*len == 0)
                                return -EXDEV;
                        char *slash = memrchr(buf, '/', *len);
                        *len = slash ? (size_t) (slash - buf) : 0;
                } else {
                        if (*len > 0)
                                buf[(*len)++] = '/';
                        memcpy(buf + *len, p, n);
                        *len += n;
                }
                buf[*len] = '\0';
                p = end;
        }
        return 0;
}

int layer_path_clean(const char *name, char **ret) {
        if (!name || !*name)
                return -EINVAL;
        _cleanup_free_ char *buf = malloc(strlen(name) + 1);
        if (!buf)
                return -ENOMEM;
        size_t len = 0;
        buf[0] = '\0';
        int r = append_clean(buf, &len, name);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(buf);
        return 0;
}

bool layer_path_symlink_contained(const char *entry, const char *target) {
        if (!target || !*target)
                return false;
        _cleanup_free_ char *buf = malloc(strlen(entry) + strlen(target) + 2);
        if (!buf)
                return false;
        size_t len = 0;
        buf[0] = '\0';
        if (target[0] != '/') {
                /* A relative target starts from the directory holding the link. */
                const char *slash = strrchr(entry, '/');
                len = slash ? (size_t) (slash - entry) : 0;
                memcpy(buf, entry, len);
                buf[len] = '\0';
        }
        return append_clean(buf, &len, target) == 0;
}
