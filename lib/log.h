/*
 * Logging for ctrd programs. Library code (lib/, store/, api/ codecs,
 * shim/runtime/) logs at debug level at most; mains and request handlers log
 * each failure once, usually through the log_*_errno helpers that also return
 * the (negative) errno they were given:
 *
 *     return log_error_errno(r, "Failed to open store '%s'", path);
 *
 * Lines go to a swappable sink (stderr by default) as
 *     "<level> <subsystem>: message"
 * with the syslog priority prefix "<N>" when stderr is the journal.
 */
#pragma once

#include <stdarg.h>

#include "macro.h"

enum ctrd_log_level {
        CTRD_LOG_ERROR,
        CTRD_LOG_WARNING,
        CTRD_LOG_INFO,
        CTRD_LOG_DEBUG,
        _CTRD_LOG_LEVEL_MAX,
        _CTRD_LOG_LEVEL_INVALID = -1,
};

typedef void (*ctrd_log_sink_fn)(enum ctrd_log_level level, const char *line, void *userdata);

void ctrd_log_set_level(enum ctrd_log_level level);
enum ctrd_log_level ctrd_log_get_level(void);
enum ctrd_log_level ctrd_log_level_from_string(const char *s);
const char *ctrd_log_level_to_string(enum ctrd_log_level level);

/* Replaces the sink; NULL restores the default stderr sink. */
void ctrd_log_set_sink(ctrd_log_sink_fn sink, void *userdata);

/* Program name used as the default subsystem prefix. */
void ctrd_log_set_ident(const char *ident);

/* Logs; if errnum != 0 appends ": strerror". Returns -abs(errnum). */
int ctrd_log_full(enum ctrd_log_level level, const char *subsystem, int errnum,
                  const char *fmt, ...) _printf_(4, 5);

#ifndef LOG_SUBSYSTEM
#define LOG_SUBSYSTEM NULL
#endif

#define log_error(...)   ctrd_log_full(CTRD_LOG_ERROR, LOG_SUBSYSTEM, 0, __VA_ARGS__)
#define log_warning(...) ctrd_log_full(CTRD_LOG_WARNING, LOG_SUBSYSTEM, 0, __VA_ARGS__)
#define log_info(...)    ctrd_log_full(CTRD_LOG_INFO, LOG_SUBSYSTEM, 0, __VA_ARGS__)
#define log_debug(...)   ctrd_log_full(CTRD_LOG_DEBUG, LOG_SUBSYSTEM, 0, __VA_ARGS__)

#define log_error_errno(e, ...)   ctrd_log_full(CTRD_LOG_ERROR, LOG_SUBSYSTEM, (e), __VA_ARGS__)
#define log_warning_errno(e, ...) ctrd_log_full(CTRD_LOG_WARNING, LOG_SUBSYSTEM, (e), __VA_ARGS__)
#define log_debug_errno(e, ...)   ctrd_log_full(CTRD_LOG_DEBUG, LOG_SUBSYSTEM, (e), __VA_ARGS__)
