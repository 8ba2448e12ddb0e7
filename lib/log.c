#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static enum ctrd_log_level max_level = CTRD_LOG_INFO;
static ctrd_log_sink_fn sink_fn;
static void *sink_userdata;
static const char *ident = "ctrd";

static const char *const level_names[_CTRD_LOG_LEVEL_MAX] = {
        [CTRD_LOG_ERROR] = "error",
        [CTRD_LOG_WARNING] = "warning",
        [CTRD_LOG_INFO] = "info",
        [CTRD_LOG_DEBUG] = "debug",
};

/* syslog priorities, for the "<N>" prefix journald understands. */
static const int level_priority[_CTRD_LOG_LEVEL_MAX] = {
        [CTRD_LOG_ERROR] = 3,
        [CTRD_LOG_WARNING] = 4,
        [CTRD_LOG_INFO] = 6,
        [CTRD_LOG_DEBUG] = 7,
};

void ctrd_log_set_level(enum ctrd_log_level level) {
        if (level >= 0 && level < _CTRD_LOG_LEVEL_MAX)
                max_level = level;
}

enum ctrd_log_level ctrd_log_get_level(void) {
        return max_level;
}

enum ctrd_log_level ctrd_log_level_from_string(const char *s) {
        if (!s)
                return _CTRD_LOG_LEVEL_INVALID;
        for (int i = 0; i < _CTRD_LOG_LEVEL_MAX; i++)
                if (strcasecmp(s, level_names[i]) == 0)
                        return (enum ctrd_log_level) i;
        if (strcasecmp(s, "warn") == 0)
                return CTRD_LOG_WARNING;
        return _CTRD_LOG_LEVEL_INVALID;
}

const char *ctrd_log_level_to_string(enum ctrd_log_level level) {
        if (level < 0 || level >= _CTRD_LOG_LEVEL_MAX)
                return NULL;
        return level_names[level];
}

void ctrd_log_set_sink(ctrd_log_sink_fn sink, void *userdata) {
        sink_fn = sink;
        sink_userdata = userdata;
}

void ctrd_log_set_ident(const char *name) {
        if (name)
                ident = name;
}

/* journald sets JOURNAL_STREAM for services whose stderr it holds. */
static int stderr_is_journal(void) {
        static int cached = -1;
        if (cached < 0)
                cached = getenv("JOURNAL_STREAM") != NULL;
        return cached;
}

static void stderr_sink(enum ctrd_log_level level, const char *line) {
        if (stderr_is_journal())
                fprintf(stderr, "<%d>%s\n", level_priority[level], line);
        else
                fprintf(stderr, "%s\n", line);
}

int ctrd_log_full(enum ctrd_log_level level, const char *subsystem, int errnum,
                  const char *fmt, ...) {
        int saved_errno = errno;
        if (errnum < 0)
                errnum = -errnum;
        if (level < 0 || level >= _CTRD_LOG_LEVEL_MAX)
                level = CTRD_LOG_ERROR;
        if (level > max_level) {
                errno = saved_errno;
                return -errnum;
        }

        char line[2048];
        int n = snprintf(line, sizeof(line), "%s %s: ", level_names[level],
                         subsystem ? subsystem : ident);
        if (n < 0)
                n = 0;
        va_list ap;
        va_start(ap, fmt);
        if ((size_t) n < sizeof(line)) {
                int m = vsnprintf(line + n, sizeof(line) - (size_t) n, fmt, ap);
                if (m > 0)
                        n += m;
        }
        va_end(ap);
        if (errnum && (size_t) n < sizeof(line))
                snprintf(line + n, sizeof(line) - (size_t) n, ": %s", strerror(errnum));

        if (sink_fn)
                sink_fn(level, line, sink_userdata);
        else
                stderr_sink(level, line);
        errno = saved_errno;
        return -errnum;
}
