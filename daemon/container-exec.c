#define LOG_SUBSYSTEM "exec"

#include "container-exec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "container-internal.h"
#include "container-ops.h"
#include "container-names.h"
#include "ctr-user.h"
#include "log.h"
#include "shim-client.h"

int ctr_exec_create(struct ctr *c, json_t *body, struct ctr_exec **ret, struct ctrd_error *err) {
        if (strcmp(c->rec.state, "paused") == 0)
                return ctrd_error_set(err, EBUSY, "Container %s is paused, unpause the container before exec",
                                      c->rec.id);
        if (!ctr_is_running(c))
                return ctrd_error_set(err, EBUSY, "Container %s is not running", c->rec.id);
        json_t *cmd = json_object_get(body, "Cmd");
        size_t i;
        json_t *v;
        if (!json_is_array(cmd) || json_array_size(cmd) == 0)
                return ctrd_error_set(err, EINVAL, "No exec command specified");
        json_array_foreach(cmd, i, v)
                if (!json_is_string(v))
                        return ctrd_error_set(err, EINVAL, "Cmd: expected an array of strings");
        static const char *const strings[] = { "User", "WorkingDir", "DetachKeys" };
        for (i = 0; i < 3; i++) {
                json_t *s = json_object_get(body, strings[i]);
                if (s && !json_is_null(s) && !json_is_string(s))
                        return ctrd_error_set(err, EINVAL, "%s: expected a string", strings[i]);
        }
        json_t *env = json_object_get(body, "Env");
        if (env && !json_is_null(env) && !json_is_array(env))
                return ctrd_error_set(err, EINVAL, "Env: expected an array of strings");
        const char *wd = json_string_value(json_object_get(body, "WorkingDir"));
        if (wd && *wd && wd[0] != '/')
                return ctrd_error_set(err, EINVAL, "WorkingDir: \"%s\" is not an absolute path", wd);

        struct ctr_exec *x = calloc(1, sizeof(*x));
        if (!x)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        int r = ctr_id_generate(x->id);
        if (r < 0) {
                free(x);
                return ctrd_error_sys(err, -r, "generating an exec ID");
        }
        snprintf(x->container_id, sizeof(x->container_id), "%s", c->rec.id);
        x->config = json_deep_copy(body);
        x->tty = json_is_true(json_object_get(body, "Tty"));
        x->attach_stdin = json_is_true(json_object_get(body, "AttachStdin"));
        x->attach_stdout = json_is_true(json_object_get(body, "AttachStdout"));
        x->attach_stderr = json_is_true(json_object_get(body, "AttachStderr"));
        x->privileged = json_is_true(json_object_get(body, "Privileged"));
        x->next = c->engine->containers.execs;
        c->engine->containers.execs = x;
        ctr_event(c, "exec_create", "execID", x->id);
        *ret = x;
        return 0;
}

int ctr_exec_lookup(struct ctrd_engine *e, const char *id, struct ctr_exec **ret,
                    struct ctrd_error *err) {
        for (struct ctr_exec *x = e->containers.execs; x; x = x->next)
                if (strcmp(x->id, id) == 0) {
                        *ret = x;
                        return 0;
                }
        return ctrd_error_set(err, ENOENT, "No such exec instance: %s", id);
}

/* NULL-terminated copy of a JSON string array (the strings borrowed from it). */
static char **string_vector(json_t *a) {
        size_t n = json_array_size(a), i;
        char **v = calloc(n + 1, sizeof(char *));
        json_t *s;
        if (v)
                json_array_foreach(a, i, s)
                        v[i] = (char *) json_string_value(s);
        return v;
}

static int resolve_user(struct ctr *c, const char *user, struct ctr_user *ret, struct ctrd_error *err) {
        _cleanup_free_ char *rootfs = NULL;
        if (asprintf(&rootfs, "%s/rootfs", c->dir) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        _cleanup_close_ int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return ctrd_error_sys(err, errno, "opening '%s'", rootfs);
        return ctr_user_resolve(rootfd, user, NULL, ret, err);
}

int ctr_exec_start(struct ctrd_engine *e, struct ctr_exec *x, int client_fd, struct ctrd_error *err) {
        _cleanup_close_ int cfd = client_fd;
        struct ctr *c = NULL;
        int r = ctr_lookup(e, x->container_id, &c, err);
        if (r < 0)
                return r;
        if (x->started)
                return ctrd_error_set(err, EBUSY, "Error: Exec command %s has already run", x->id);
        if (!ctr_is_running(c))
                return ctrd_error_set(err, EBUSY, "Container %s is not running", c->rec.id);

        _cleanup_free_ char **args = string_vector(json_object_get(x->config, "Cmd"));
        _cleanup_free_ char **env = string_vector(json_object_get(x->config, "Env"));
        if (!args || !env)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        struct ctr_user user = { 0 };
        const char *u = json_string_value(json_object_get(x->config, "User"));
        const char *wd = json_string_value(json_object_get(x->config, "WorkingDir"));
        const char *keys = json_string_value(json_object_get(x->config, "DetachKeys"));
        struct ctrd_shim_exec_opts o = {
                .id = x->id, .args = args, .env = env, .cwd = wd && *wd ? wd : NULL,
                .tty = x->tty, .in = x->attach_stdin && cfd >= 0, .privileged = x->privileged,
                .detach_keys = keys && *keys ? keys : NULL,
        };
        if (u && *u) {
                r = resolve_user(c, u, &user, err);
                if (r < 0)
                        return r;
                o.has_user = true;
                o.uid = user.uid;
                o.gid = user.gid;
                o.additional_gids = user.gids;
                o.n_additional_gids = user.n_gids;
        }
        _cleanup_close_ int ctl = ctr_ops_connect(c, SHIM_CALL_TIMEOUT_MS, err);
        if (ctl < 0) {
                ctr_user_done(&user);
                return ctl;
        }
        x->started = true;
        x->running = true;
        pid_t pid = 0;
        r = ctrd_shim_exec(ctl, cfd, &o, &pid, err);
        ctr_user_done(&user);
        if (r < 0 && r != -ENOENT && r != -EACCES) {
                /* Refused before anything ran: nothing was recorded by the shim. */
                x->running = false;
                x->exit_code = 126;
                return r;
        }
        x->pid = pid;
        if (x->rows && x->cols && r >= 0)
                ctrd_shim_exec_resize(ctl, x->id, x->rows, x->cols, NULL);
        ctr_event(c, "exec_start", "execID", x->id);
        return r < 0 ? r : 0;
}

void ctr_exec_refresh(struct ctrd_engine *e, struct ctr_exec *x) {
        if (!x->running)
                return;
        struct ctr *c = NULL;
        struct ctrd_shim_exec_state st;
        if (ctr_lookup(e, x->container_id, &c, NULL) < 0) {
                x->running = false;
                return;
        }
        _cleanup_close_ int ctl = ctr_ops_connect(c, SHIM_CALL_TIMEOUT_MS, NULL);
        if (ctl < 0 || ctrd_shim_exec_state(ctl, x->id, &st, NULL) < 0) {
                /* The shim is gone, so is the exec: it was killed with its container. */
                x->running = false;
                x->exit_code = 137;
                return;
        }
        x->running = st.running;
        x->pid = st.pid;
        if (!st.running) {
                x->exit_code = st.exit_code;
                char code[16];
                snprintf(code, sizeof(code), "%d", st.exit_code);
                ctr_event(c, "exec_die", "exitCode", code);
        }
}

int ctr_exec_resize(struct ctrd_engine *e, struct ctr_exec *x, unsigned rows, unsigned cols,
                    struct ctrd_error *err) {
        if (!x->started) {
                /* The CLI resizes in parallel with the start: apply it then. */
                x->rows = rows;
                x->cols = cols;
                return 0;
        }
        struct ctr *c = NULL;
        int r = ctr_lookup(e, x->container_id, &c, err);
        if (r < 0)
                return r;
        _cleanup_close_ int ctl = ctr_ops_connect(c, SHIM_CALL_TIMEOUT_MS, err);
        if (ctl < 0)
                return ctl;
        return ctrd_shim_exec_resize(ctl, x->id, rows, cols, err);
}

void ctr_exec_forget(struct ctrd_engine *e, const char *container_id) {
        struct ctr_exec **p = &e->containers.execs;
        while (*p) {
                struct ctr_exec *x = *p;
                if (!container_id || strcmp(x->container_id, container_id) == 0) {
                        *p = x->next;
                        json_decref(x->config);
                        free(x);
                } else {
                        p = &x->next;
                }
        }
}
