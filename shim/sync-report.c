#define LOG_SUBSYSTEM "shim"

#include "sync-report.h"

#include <jansson.h>
#include <string.h>

#include "cleanup.h"
#include "fs-util.h"
#include "log.h"

void shim_sync_report(int *sync_fd, pid_t pid, const struct ctrd_error *err) {
        if (*sync_fd < 0)
                return;
        json_t *o = err ? json_pack("{s:s, s:i}", "error", err->msg, "errno", err->code)
                        : json_pack("{s:i}", "pid", (int) pid);
        _cleanup_free_ char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        if (!s || ctrd_write_all(*sync_fd, s, strlen(s)) < 0 || ctrd_write_all(*sync_fd, "\n", 1) < 0)
                log_warning("cannot report the start result to the starter, continuing");
        *sync_fd = safe_close(*sync_fd);
}
