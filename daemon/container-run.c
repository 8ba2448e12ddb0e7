/*
 * Running containers: start (bundle + shim), the exit (from the shim watch),
 * waiters, kill and stop. A container's lifecycle events arrive here:
 *
 *   start ─ spawn shim ─┬─ started: running, watch the shim ── exit: exited
 *                       └─ failed: stays created, Error + 127/126/128 set
 *
 * Every state change is saved before callers and waiters hear of it.
 */
#define LOG_SUBSYSTEM "containers"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "container-files.h"
#include "container-internal.h"
#include "container-ops.h"
#include "container-restart.h"
#include "ctr-policies.h"
#include "ctr-spec.h"
#include "fs-util.h"
#include "log.h"
#include "net.h"
#include "shim-client.h"
#include "shim-spawn.h"
#include "shim-watch.h"
#include "signals.h"
#include "string-util.h"
#include "timefmt.h"

#define DEFAULT_STOP_TIMEOUT_S 10
#define LOG_MAX_SIZE_DEFAULT 0          /* Docker's json-file default: no rotation */

/* A caller waiting for the container's exit (stop, forced removal). */
struct ctr_op {
        ctr_done_fn done;
        void *userdata;
        struct ctr_op *next;
};

struct ctr_stop {
        uv_timer_t timer;
        struct ctr *c;                  /* NULL once the exit came */
};

static int add_op(struct ctr *c, ctr_done_fn done, void *userdata) {
        struct ctr_op *op = calloc(1, sizeof(*op));
        if (!op)
                return -ENOMEM;
        *op = (struct ctr_op) { .done = done, .userdata = userdata, .next = c->pending };
        c->pending = op;
        return 0;
}

static void run_ops(struct ctr *c, int r, const struct ctrd_error *err) {
        struct ctr_op *op = c->pending;
        c->pending = NULL;
        while (op) {
                struct ctr_op *next = op->next;
                op->done(r, err, op->userdata);
                free(op);
                op = next;
        }
}

void ctr_wait(struct ctr *c, struct ctr_waiter *w) {
        if (w->condition == CTR_WAIT_NOT_RUNNING && !ctr_is_running(c) && !c->busy) {
                w->cb(c->rec.exit_code, NULL, w->userdata);
                return;
        }
        w->prev = NULL;
        w->next = c->waiters;
        if (w->next)
                w->next->prev = w;
        c->waiters = w;
}

void ctr_wait_cancel(struct ctr *c, struct ctr_waiter *w) {
        if (w->prev)
                w->prev->next = w->next;
        else if (c->waiters == w)
                c->waiters = w->next;
        if (w->next)
                w->next->prev = w->prev;
        w->prev = w->next = NULL;
}

/*
 * Waiters hear only the status: dockerd answers {"Error":null,...} even for a
 * start that failed (traced), and the CLI would print a non-null Error.
 */
void ctr_notify_waiters(struct ctr *c, enum ctr_wait_condition event) {
        struct ctr_waiter *w = c->waiters;
        while (w) {
                struct ctr_waiter *next = w->next;
                /* An exit answers not-running and next-exit; a removal answers everyone. */
                if (event == CTR_WAIT_REMOVED || w->condition != CTR_WAIT_REMOVED) {
                        ctr_wait_cancel(c, w);
                        w->cb(c->rec.exit_code, NULL, w->userdata);
                }
                w = next;
        }
}

static void set_error(struct ctr *c, const char *msg) {
        char *e = strdup(msg ? msg : "");
        if (e) {
                free(c->rec.error);
                c->rec.error = e;
        }
}

static void on_stop_timer_closed(uv_handle_t *h) {
        free(h->data);
}

static void stop_finish(struct ctr *c) {
        if (!c->stop)
                return;
        uv_timer_stop(&c->stop->timer);
        uv_close((uv_handle_t *) &c->stop->timer, on_stop_timer_closed);
        c->stop = NULL;
}

static void on_container_exit(int r, const struct ctrd_shim_exit *ex, const struct ctrd_error *err,
                    void *userdata) {
        struct ctr *c = userdata;
        c->watch = NULL;
        c->rec.pid = 0;
        net_container_detach(c);
        if (r < 0) {
                log_error("container %s: %s", c->rec.id, err->msg);
                c->rec.exit_code = 255;
                set_error(c, err->msg);
                ctrd_format_rfc3339_now(c->rec.finished_at, sizeof(c->rec.finished_at));
        } else {
                c->rec.exit_code = ex->exit_code;
                c->rec.oom_killed = ex->oom_killed;
                snprintf(c->rec.finished_at, sizeof(c->rec.finished_at), "%s", ex->finished_at);
        }
        ctr_set_state(c, "exited");
        struct ctrd_error serr = { 0 };
        if (ctr_save(c, &serr) < 0)
                log_error("container %s: saving its exit: %s", c->rec.id, serr.msg);
        log_info("container %s exited with %lld", c->rec.id, (long long) c->rec.exit_code);
        char code[24];
        snprintf(code, sizeof(code), "%lld", (long long) c->rec.exit_code);
        if (c->rec.oom_killed)
                ctr_event(c, "oom", NULL, NULL);
        ctr_event(c, "die", "exitCode", code);
        if (c->stop)
                ctr_event(c, "stop", NULL, NULL);

        stop_finish(c);
        ctr_notify_waiters(c, CTR_WAIT_NEXT_EXIT);
        if (ctr_restart_wanted(c)) {
                run_ops(c, 0, NULL);
                ctr_restart_schedule(c);
                return;
        }
        /* A pending forced removal frees c inside run_ops: decide before, touch nothing after. */
        bool auto_remove = json_is_true(json_object_get(ctr_host(c), "AutoRemove")) &&
                           !c->removal_pending;
        run_ops(c, 0, NULL);
        if (auto_remove && ctr_remove(c, false, NULL, NULL, &serr) < 0)
                log_error("container %s: automatic removal: %s", c->rec.id, serr.msg);
}

int ctr_watch(struct ctr *c, struct ctrd_error *err) {
        return shim_watch_start(c->engine->loop, c->run_dir, on_container_exit, c, &c->watch, err);
}

/* runc's codes for a process that could not be started: 127 not found, 126 not runnable. */
static int start_failure_code(int r) {
        if (r == -ENOENT)
                return 127;
        if (r == -EACCES || r == -EISDIR || r == -ENOEXEC || r == -EPERM)
                return 126;
        return 128;
}

/*
 * The docker CLI picks its exit code from the words of a failed start
 * ("no such file or directory", "executable file not found" → 127,
 * "permission denied", "is a directory" → 126), so a failed exec is told in
 * Docker's words, with the shim's own message after them.
 */
static void docker_start_error(struct ctr *c, int r, const struct ctrd_error *serr,
                               struct ctrd_error *out) {
        const char *msg = serr && serr->msg[0] ? serr->msg : "the container failed to start";
        json_t *words = json_object_get(ctr_config(c), "Entrypoint");
        if (json_array_size(words) == 0)
                words = json_object_get(ctr_config(c), "Cmd");
        const char *cmd = json_string_value(json_array_get(words, 0));
        bool exec_step = ctrd_startswith(msg, "exec");
        if (!cmd || !exec_step) {
                ctrd_error_set(out, -r, "failed to start container: %s", msg);
                return;
        }
        if (r == -ENOENT && strchr(cmd, '/'))
                ctrd_error_set(out, ENOENT, "exec: \"%s\": stat %s: no such file or directory (%s)",
                               cmd, cmd, msg);
        else if (r == -ENOENT)
                ctrd_error_set(out, ENOENT, "exec: \"%s\": executable file not found in $PATH (%s)",
                               cmd, msg);
        else if (r == -EISDIR)
                ctrd_error_set(out, EISDIR, "exec: \"%s\": is a directory (%s)", cmd, msg);
        else if (r == -EACCES || r == -EPERM || r == -ENOEXEC)
                ctrd_error_set(out, EACCES, "exec: \"%s\": permission denied (%s)", cmd, msg);
        else
                ctrd_error_set(out, -r, "failed to start container: %s", msg);
}

struct start_op {
        struct ctr *c;
        ctr_done_fn done;
        void *userdata;
};

static void on_started(int r, pid_t pid, const struct ctrd_error *serr, void *userdata) {
        struct start_op *op = userdata;
        struct ctr *c = op->c;
        ctr_done_fn done = op->done;
        void *ud = op->userdata;
        free(op);
        c->busy = false;

        struct ctrd_error err = { 0 };
        if (r < 0) {
                struct ctrd_error derr = { 0 };
                docker_start_error(c, r, serr, &derr);
                c->rec.exit_code = start_failure_code(r);
                net_container_detach(c);
                set_error(c, derr.msg);
                ctr_early_attach_close(c);
                ctr_save(c, NULL);
                log_info("container %s failed to start: %s", c->rec.id, c->rec.error);
                if (done)
                        done(r, &derr, ud);
                ctr_notify_waiters(c, CTR_WAIT_NEXT_EXIT);
                /* docker run --rm waits for the removal even when the start failed. */
                if (json_is_true(json_object_get(ctr_host(c), "AutoRemove")) &&
                    ctr_remove(c, false, NULL, NULL, &err) < 0)
                        log_error("container %s: automatic removal: %s", c->rec.id, err.msg);
                return;
        }
        c->rec.pid = pid;
        c->rec.manually_stopped = false;
        c->rec.exit_code = 0;
        c->rec.oom_killed = false;
        c->rec.finished_at[0] = '\0';
        set_error(c, "");
        ctrd_format_rfc3339_now(c->rec.started_at, sizeof(c->rec.started_at));
        ctr_set_state(c, "running");
        r = ctr_save(c, &err);
        if (r >= 0)
                r = ctr_watch(c, &err);
        if (r < 0)
                log_error("container %s: %s", c->rec.id, err.msg);
        log_info("started container %s (pid %d)", c->rec.id, (int) pid);
        ctr_event(c, "start", NULL, NULL);
        ctr_early_attach_flush(c);
        if (done)
                done(0, NULL, ud);
}

static int write_bundle(struct ctr *c, const char *netns, struct ctrd_error *err) {
        json_t *config = ctr_config(c), *host = ctr_host(c);
        const char *hostname = ctr_json_str(config, "Hostname", "");
        char short_id[13];
        snprintf(short_id, sizeof(short_id), "%.12s", c->rec.id);
        if (!*hostname)
                hostname = short_id;
        int r = ctr_files_write(c->dir, hostname, host, err);
        if (r < 0)
                return r;

        _cleanup_free_ char *rootfs = NULL, *hn = NULL, *hosts = NULL, *resolv = NULL, *cg = NULL,
                             *path = NULL, *text = NULL;
        if (asprintf(&rootfs, "%s/rootfs", c->dir) < 0 || asprintf(&hn, "%s/hostname", c->dir) < 0 ||
            asprintf(&hosts, "%s/hosts", c->dir) < 0 || asprintf(&resolv, "%s/resolv.conf", c->dir) < 0 ||
            asprintf(&cg, "%s/%s", c->engine->cgroup_parent, c->rec.id) < 0 ||
            asprintf(&path, "%s/config.json", c->dir) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        const char *mode = ctr_json_str(host, "NetworkMode", "default");
        struct ctr_spec_input in = {
                .id = c->rec.id, .rootfs = rootfs, .cgroups_path = cg,
                .volumes_root = c->engine->volumes_root,
                .hostname_path = hn, .hosts_path = hosts, .resolv_path = resolv,
                .netns_path = netns, .host_network = strcmp(mode, "host") == 0,
        };
        json_t *spec = NULL;
        r = ctr_spec_build(config, host, &in, &spec, err);
        if (r < 0)
                return r;
        text = json_dumps(spec, JSON_COMPACT);
        json_decref(spec);
        if (!text)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        /* Rebuilt at every start: no fsync (lib/fs-util.h). */
        return ctrd_write_file_replace(path, text, strlen(text), 0600, err);
}

static int prepare_run_dir(struct ctr *c, struct ctrd_error *err) {
        int r = ctrd_mkdir_p(c->run_dir, 0700, err);
        if (r < 0)
                return r;
        /* A previous run's exit file must not answer this run's wait. */
        _cleanup_free_ char *exit_path = NULL;
        if (asprintf(&exit_path, "%s/exit", c->run_dir) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        if (unlink(exit_path) < 0 && errno != ENOENT)
                return ctrd_error_sys(err, errno, "removing '%s'", exit_path);
        return 0;
}

/* HostConfig.LogConfig.Config max-size / max-file (validated at create). */
static void log_rotation(struct ctr *c, uint64_t *ret_size, unsigned *ret_files) {
        json_t *cfg = json_object_get(json_object_get(ctr_host(c), "LogConfig"), "Config");
        const char *size = json_string_value(json_object_get(cfg, "max-size"));
        const char *files = json_string_value(json_object_get(cfg, "max-file"));
        int64_t v;
        *ret_size = size && ctr_parse_size(size, &v) == 0 && v > 0 ? (uint64_t) v : LOG_MAX_SIZE_DEFAULT;
        *ret_files = files && ctrd_parse_int64(files, 1, 1000, &v) == 0 ? (unsigned) v : 1;
}

int ctr_start(struct ctr *c, ctr_done_fn done, void *userdata, struct ctrd_error *err) {
        if (c->busy)
                return ctrd_error_set(err, EBUSY, "container %s is busy (starting or being removed)",
                                      c->rec.id);
        if (ctr_is_running(c))
                return -EALREADY;
        if (strcmp(c->rec.state, "dead") == 0 || strcmp(c->rec.state, "removing") == 0)
                return ctrd_error_set(err, EINVAL, "cannot start container %s: it is %s",
                                      c->rec.id, c->rec.state);
        /* Parsed here, the trees stay for the rest of this callback. */
        if (!ctr_config(c) || !ctr_host(c))
                return ctrd_error_set(err, ENOMEM, "starting container %s: out of memory reading its "
                                      "configuration", c->rec.id);
        _cleanup_free_ char *netns = NULL;
        int r = net_container_attach(c, &netns, err);
        if (r >= 0)
                r = write_bundle(c, netns, err);
        if (r >= 0)
                r = net_container_hosts(c, err);
        if (r >= 0)
                r = prepare_run_dir(c, err);
        if (r < 0) {
                net_container_detach(c);
                return r;
        }

        _cleanup_free_ char *log_path = NULL;
        if (asprintf(&log_path, "%s/%s-json.log", c->dir, c->rec.id) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        struct start_op *op = calloc(1, sizeof(*op));
        if (!op)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        *op = (struct start_op) { .c = c, .done = done, .userdata = userdata };
        uint64_t log_size;
        unsigned log_files;
        log_rotation(c, &log_size, &log_files);
        struct shim_spawn_opts so = {
                .shim_path = c->engine->shim_path, .bundle = c->dir, .id = c->rec.id,
                .run_dir = c->run_dir, .log_path = log_path,
                .log_max_size = log_size, .log_max_files = log_files,
                .seccomp_cache = c->engine->seccomp_cache,
                .open_stdin = json_is_true(json_object_get(ctr_config(c), "OpenStdin")),
                .n_attach = c->n_early_attach,
        };
        memcpy(so.attach, c->early_attach, sizeof(so.attach));
        r = shim_spawn(c->engine->loop, &so, on_started, op, err);
        /* The shim has its own copies of the early clients' sockets now (or none will come). */
        ctr_early_attach_close(c);
        if (r < 0) {
                free(op);
                net_container_detach(c);
                return r;
        }
        c->busy = true;
        return 0;
}

int ctr_kill(struct ctr *c, int signo, struct ctrd_error *err) {
        if (!ctr_is_running(c))
                return ctrd_error_set(err, EBUSY, "Cannot kill container: %s: Container %s is not running",
                                      c->rec.name, c->rec.id);
        _cleanup_close_ int fd = ctr_ops_connect(c, SHIM_CALL_TIMEOUT_MS, err);
        if (fd < 0)
                return ctrd_error_wrap(err, "signalling container %s", c->rec.id);
        int r = ctrd_shim_signal(fd, signo, err);
        if (r < 0)
                return ctrd_error_wrap(err, "signalling container %s", c->rec.id);
        char num[16];
        snprintf(num, sizeof(num), "%d", signo);
        ctr_event(c, "kill", "signal", num);
        ctr_ops_after_kill(c, signo);
        return 0;
}

static void on_stop_timeout(uv_timer_t *t) {
        struct ctr_stop *s = t->data;
        struct ctr *c = s->c;
        struct ctrd_error err = { 0 };
        log_info("container %s did not stop in time, killing it", c->rec.id);
        if (ctr_is_running(c) && ctr_kill(c, SIGKILL, &err) < 0)
                log_warning("container %s: %s", c->rec.id, err.msg);
}

int ctr_stop(struct ctr *c, int timeout_s, ctr_done_fn done, void *userdata, struct ctrd_error *err) {
        if (c->restart) {
                /* Waiting for its back-off: stopping it means not restarting it. */
                c->rec.manually_stopped = true;
                ctr_restart_cancel(c);
                if (done)
                        done(0, NULL, userdata);
                return 0;
        }
        if (!ctr_is_running(c))
                return -EALREADY;
        if (timeout_s < 0) {
                json_t *t = json_object_get(ctr_config(c), "StopTimeout");
                timeout_s = json_is_integer(t) ? (int) json_integer_value(t) : DEFAULT_STOP_TIMEOUT_S;
        }
        int signo = signal_from_string(ctr_json_str(ctr_config(c), "StopSignal", "SIGTERM"));
        if (signo < 0)
                signo = SIGTERM;
        if (add_op(c, done, userdata) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        c->rec.manually_stopped = true;
        ctr_save(c, NULL);
        if (!c->stop) {
                struct ctr_stop *s = calloc(1, sizeof(*s));
                if (!s)
                        return ctrd_error_set(err, ENOMEM, "out of memory");
                s->c = c;
                s->timer.data = s;
                uv_timer_init(c->engine->loop, &s->timer);
                c->stop = s;
        }
        /* A negative timeout in the API means wait forever; 0 kills at once. */
        int r = ctr_kill(c, timeout_s == 0 ? SIGKILL : signo, err);
        if (r < 0)
                log_warning("container %s: %s", c->rec.id, err->msg);
        if (timeout_s > 0)
                uv_timer_start(&c->stop->timer, on_stop_timeout, (uint64_t) timeout_s * 1000, 0);
        return 0;
}

/* Forced removal of a running container: kill, then continue once it exited. */
int ctr_kill_and_wait(struct ctr *c, ctr_done_fn done, void *userdata, struct ctrd_error *err) {
        if (add_op(c, done, userdata) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        return ctr_kill(c, SIGKILL, err);
}
