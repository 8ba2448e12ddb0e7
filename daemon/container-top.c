/*
 * GET /containers/{id}/top: `ps -ef` columns for the processes in the
 * container's cgroup, computed from /proc (dockerd runs the host's ps; we
 * need no ps binary). User names come from the host's /etc/passwd, as the
 * host's ps would show them, read directly so no NSS module runs on the loop.
 */
#include "container-ops.h"

#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "container-internal.h"
#include "container-top.h"
#include "fs-util.h"

#define TOP_TIMEOUT_MS 1000
#define PROC_FILE_MAX (256 * 1024)

/* "-ef", "ef", "-e -f", "-fe", "-A -f"...: every spelling of the columns we produce. */
static bool ps_args_supported(const char *s) {
        return !s || strspn(s, "-eAf \t") == strlen(s);
}

static void user_name(uid_t uid, char *buf, size_t len) {
        _cleanup_fclose_ FILE *f = fopen("/etc/passwd", "re");
        struct passwd pw, *p;
        char line[1024];
        snprintf(buf, len, "%u", (unsigned) uid);
        while (f && fgetpwent_r(f, &pw, line, sizeof(line), &p) == 0)
                if (pw.pw_uid == uid) {
                        snprintf(buf, len, "%s", pw.pw_name);
                        return;
                }
}

/* The effective uid from the second field of "Uid:" in /proc/PID/status. */
static int read_euid(pid_t pid, uid_t *ret) {
        char path[64];
        _cleanup_free_ char *text = NULL;
        size_t len;
        unsigned ruid, euid;
        snprintf(path, sizeof(path), "/proc/%d/status", (int) pid);
        if (ctrd_read_file(path, PROC_FILE_MAX, &text, &len, NULL) < 0)
                return -ESRCH;
        const char *p = strstr(text, "\nUid:");
        if (!p || sscanf(p + 5, "%u %u", &ruid, &euid) != 2)
                return -EPROTO;
        *ret = euid;
        return 0;
}

/* /proc/PID/cmdline with NULs as spaces; "[comm]" without one, "[comm] <defunct>" for a
 * zombie, as ps shows them. */
static int read_cmd(pid_t pid, const struct ctr_top_proc *p, char **ret) {
        char path[64];
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        snprintf(path, sizeof(path), "/proc/%d/cmdline", (int) pid);
        if (ctrd_read_file(path, PROC_FILE_MAX, &text, &len, NULL) < 0)
                return -ESRCH;
        while (len > 0 && text[len - 1] == '\0')
                len--;
        if (len == 0)
                return asprintf(ret, "[%s]%s", p->comm, p->state == 'Z' ? " <defunct>" : "") < 0 ?
                       -ENOMEM : 0;
        for (size_t i = 0; i < len; i++)
                if (text[i] == '\0')
                        text[i] = ' ';
        text[len] = '\0';
        *ret = TAKE_PTR(text);
        return 0;
}

static int read_stat(pid_t pid, struct ctr_top_proc *ret) {
        char path[64];
        _cleanup_free_ char *text = NULL;
        size_t len;
        snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
        if (ctrd_read_file(path, PROC_FILE_MAX, &text, &len, NULL) < 0)
                return -ESRCH;
        return ctr_top_parse_stat(text, ret);
}

/* One row; -ESRCH when the process ended while we looked (it is then left out). */
static json_t *proc_row(pid_t pid, const struct ctr_top_clock *clk) {
        struct ctr_top_proc p = { 0 };
        _cleanup_free_ char *cmd = NULL;
        struct ctr_top_cols col;
        char user[64], pidbuf[16], ppidbuf[16];
        uid_t uid;

        if (read_stat(pid, &p) < 0 || read_euid(pid, &uid) < 0 || read_cmd(pid, &p, &cmd) < 0)
                return NULL;
        user_name(uid, user, sizeof(user));
        ctr_top_format(&p, clk, &col);
        snprintf(pidbuf, sizeof(pidbuf), "%d", (int) pid);
        snprintf(ppidbuf, sizeof(ppidbuf), "%d", (int) p.ppid);
        return json_pack("[s, s, s, s, s, s, s, s]", user, pidbuf, ppidbuf, col.c, col.stime,
                         col.tty, col.time, cmd);
}

static int cmp_pid(const void *a, const void *b) {
        pid_t x = *(const pid_t *) a, y = *(const pid_t *) b;
        return (x > y) - (x < y);
}

static int container_pids(struct ctr *c, pid_t **ret, size_t *ret_n, struct ctrd_error *err) {
        _cleanup_close_ int fd = ctr_ops_connect(c, TOP_TIMEOUT_MS, err);
        int r = fd < 0 ? fd : ctrd_shim_pids(fd, ret, ret_n, err);
        if (r < 0)
                return ctrd_error_wrap(err, "listing the processes of container %s", c->rec.id);
        qsort(*ret, *ret_n, sizeof(pid_t), cmp_pid);
        return 0;
}

int ctr_top(struct ctr *c, const char *ps_args, json_t **ret, struct ctrd_error *err) {
        _cleanup_free_ pid_t *pids = NULL;
        struct ctr_top_clock clk;
        size_t n = 0;

        if (!ps_args_supported(ps_args))
                return ctrd_error_set(err, EINVAL, "ps_args '%s' are not supported: top shows the "
                                      "columns of 'ps -ef'", ps_args);
        if (!ctr_is_running(c))
                return ctrd_error_set(err, EBUSY, "Container %s is not running", c->rec.id);
        int r = container_pids(c, &pids, &n, err);
        if (r < 0)
                return r;
        if (ctr_top_clock_read(&clk) < 0)
                return ctrd_error_sys(err, errno, "reading the boot time and uptime");
        json_t *rows = json_array();
        for (size_t i = 0; rows && i < n; i++) {
                json_t *row = proc_row(pids[i], &clk);
                if (row)
                        json_array_append_new(rows, row);
        }
        json_t *o = json_pack("{s:[s, s, s, s, s, s, s, s], s:o*}", "Titles", "UID", "PID", "PPID", "C",
                              "STIME", "TTY", "TIME", "CMD", "Processes", rows);
        if (!o)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        *ret = o;
        return 0;
}
