/*
 * The one error convention (docs/error-handling.md): fallible functions
 * return int, >= 0 on success and -errno on failure. Code whose failures must
 * reach a person (runtime, store, API decoding) also fills an optional
 * struct ctrd_error with the errno and a message, adding context on the way
 * up with ctrd_error_wrap(). ctrd_error_set() returns exactly the -errno it
 * recorded, so the return value and the error object always agree.
 */
#pragma once

#include <stdarg.h>

#include "macro.h"

#define CTRD_ERROR_MSG_MAX 1024

struct ctrd_error {
        int code;                       /* positive errno, 0 when unset */
        char msg[CTRD_ERROR_MSG_MAX];
};

/* Records errnum (EIO when 0) and the message; returns -errnum. err may be NULL. */
int ctrd_error_set(struct ctrd_error *err, int errnum, const char *fmt, ...) _printf_(3, 4);

/* Like ctrd_error_set, and appends ": <strerror(errnum)>" to the message. */
int ctrd_error_sys(struct ctrd_error *err, int errnum, const char *fmt, ...) _printf_(3, 4);

/* Prefixes "context: " to the message already set; returns -err->code (or -EIO). */
int ctrd_error_wrap(struct ctrd_error *err, const char *fmt, ...) _printf_(2, 3);

void ctrd_error_clear(struct ctrd_error *err);
