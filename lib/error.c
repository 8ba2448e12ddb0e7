#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int normalize(int errnum) {
        if (errnum < 0)
                errnum = -errnum;
        return errnum ? errnum : EIO;
}

static int vset(struct ctrd_error *err, int errnum, int with_strerror,
                const char *fmt, va_list ap) {
        errnum = normalize(errnum);
        if (!err)
                return -errnum;
        err->code = errnum;
        int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        if (with_strerror && n >= 0 && (size_t) n < sizeof(err->msg))
                snprintf(err->msg + n, sizeof(err->msg) - (size_t) n, ": %s", strerror(errnum));
        return -errnum;
}

int ctrd_error_set(struct ctrd_error *err, int errnum, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int r = vset(err, errnum, 0, fmt, ap);
        va_end(ap);
        return r;
}

int ctrd_error_sys(struct ctrd_error *err, int errnum, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int r = vset(err, errnum, 1, fmt, ap);
        va_end(ap);
        return r;
}

int ctrd_error_wrap(struct ctrd_error *err, const char *fmt, ...) {
        if (!err)
                return -EIO;
        char prefix[CTRD_ERROR_MSG_MAX];
        char old[CTRD_ERROR_MSG_MAX];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(prefix, sizeof(prefix), fmt, ap);
        va_end(ap);
        memcpy(old, err->msg, sizeof(old));
        /* A message longer than the buffer is cut; mark the cut so nobody trusts the tail. */
        if (snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old) >= (int) sizeof(err->msg))
                memcpy(err->msg + sizeof(err->msg) - 4, "...", 4);
        err->code = normalize(err->code);
        return -err->code;
}

void ctrd_error_clear(struct ctrd_error *err) {
        if (!err)
                return;
        err->code = 0;
        err->msg[0] = '\0';
}
