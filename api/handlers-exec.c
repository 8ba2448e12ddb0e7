/*
 * POST /containers/{id}/exec, POST /exec/{id}/start (hijacked unless
 * detached), POST /exec/{id}/resize, GET /exec/{id}/json.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "daemon/container-exec.h"
#include "daemon/containers.h"
#include "daemon/engine.h"
#include "handlers.h"
#include "hijack.h"
#include "log.h"
#include "string-util.h"


void api_handle_exec_create(struct api_request *req) {
        struct ctr *c = NULL;
        struct ctrd_error err = { 0 };
        int r = ctr_lookup(api_request_engine(req), api_request_param(req, "id"), &c, &err);
        if (r < 0) {
                api_reply_errno(req, r, &err);
                return;
        }
        json_t *body = NULL;
        if (api_request_json(req, &body) < 0)
                return;
        if (!body) {
                api_reply_error(req, 400, "No exec command specified");
                return;
        }
        struct ctr_exec *x = NULL;
        r = ctr_exec_create(c, body, &x, &err);
        json_decref(body);
        if (r < 0) {
                api_reply_errno(req, r, &err);
                return;
        }
        api_reply_json(req, 201, json_pack("{s:s}", "Id", x->id));
}

static struct ctr_exec *lookup_exec(struct api_request *req) {
        struct ctr_exec *x = NULL;
        struct ctrd_error err = { 0 };
        int r = ctr_exec_lookup(api_request_engine(req), api_request_param(req, "id"), &x, &err);
        if (r < 0) {
                api_reply_errno(req, r, &err);
                return NULL;
        }
        return x;
}

struct exec_start {
        struct ctrd_engine *engine;
        char id[65];
};

static void on_hijacked(struct api_hijack *h, int fd, size_t extra_len, void *userdata) {
        struct exec_start *s = userdata;
        struct ctr_exec *x = NULL;
        struct ctrd_error err = { 0 };
        int r = fd < 0 ? -EBADF : ctr_exec_lookup(s->engine, s->id, &x, &err);
        if (r >= 0)
                r = ctr_exec_start(s->engine, x, fd, &err);     /* takes the fd */
        else
                safe_close(fd);
        if (r < 0 && fd >= 0 && r != -ENOENT && r != -EACCES)
                log_warning("exec %s: %s", s->id, err.msg);
        api_hijack_release(h);
        free(s);
}

void api_handle_exec_start(struct api_request *req) {
        struct ctr_exec *x = lookup_exec(req);
        if (!x)
                return;
        json_t *body = NULL;
        if (api_request_json(req, &body) < 0)
                return;
        bool detach = json_is_true(json_object_get(body, "Detach"));
        json_decref(body);
        if (x->started) {
                api_reply_error(req, 409, "Error: Exec command %s has already run", x->id);
                return;
        }
        struct ctrd_engine *e = api_request_engine(req);
        struct ctrd_error err = { 0 };
        if (detach || !api_request_wants_upgrade(req)) {
                int r = ctr_exec_start(e, x, -1, &err);
                if (r < 0)
                        api_reply_errno(req, r, &err);
                else
                        api_reply_text(req, 200, "text/plain; charset=utf-8", "", 0);
                return;
        }
        struct ctr *c = NULL;
        if (ctr_lookup(e, x->container_id, &c, &err) < 0 || !ctr_is_running(c)) {
                api_reply_error(req, 409, "Container %s is not running", x->container_id);
                return;
        }
        struct exec_start *s = calloc(1, sizeof(*s));
        if (!s) {
                api_reply_error(req, 500, "out of memory");
                return;
        }
        s->engine = e;
        snprintf(s->id, sizeof(s->id), "%s", x->id);
        if (api_reply_upgrade(req, x->tty ? "application/vnd.docker.raw-stream"
                                          : "application/vnd.docker.multiplexed-stream",
                              API_HIJACK_FIRST_WRITE_DELAY_MS, on_hijacked, s) < 0) {
                free(s);
                api_reply_error(req, 500, "out of memory");
        }
}

void api_handle_exec_resize(struct api_request *req) {
        struct ctr_exec *x = lookup_exec(req);
        if (!x)
                return;
        unsigned rows, cols;
        if (api_terminal_size(req, &rows, &cols) < 0)
                return;
        struct ctrd_error err = { 0 };
        int r = ctr_exec_resize(api_request_engine(req), x, rows, cols, &err);
        if (r < 0) {
                api_reply_errno(req, r, &err);
                return;
        }
        api_reply_text(req, 200, "text/plain; charset=utf-8", "", 0);
}

void api_handle_exec_inspect(struct api_request *req) {
        struct ctr_exec *x = lookup_exec(req);
        if (!x)
                return;
        ctr_exec_refresh(api_request_engine(req), x);
        json_t *cmd = json_object_get(x->config, "Cmd");
        json_t *args = json_array();
        for (size_t i = 1; i < json_array_size(cmd); i++)
                json_array_append(args, json_array_get(cmd, i));
        const char *user = json_string_value(json_object_get(x->config, "User"));
        const char *keys = json_string_value(json_object_get(x->config, "DetachKeys"));
        json_t *o = json_pack("{s:s, s:b, s:i, s:{s:b, s:s, s:o, s:b, s:s}, s:b, s:b, s:b, s:b,"
                              " s:s, s:s, s:i}",
                              "ID", x->id, "Running", x->running, "ExitCode", x->exit_code,
                              "ProcessConfig", "tty", x->tty,
                              "entrypoint", json_string_value(json_array_get(cmd, 0)),
                              "arguments", args, "privileged", x->privileged, "user", user ? user : "",
                              "OpenStdin", x->attach_stdin, "OpenStderr", x->attach_stderr,
                              "OpenStdout", x->attach_stdout, "CanRemove", false,
                              "ContainerID", x->container_id, "DetachKeys", keys ? keys : "",
                              "Pid", (int) x->pid);
        if (!o) {
                api_reply_error(req, 500, "out of memory");
                return;
        }
        api_reply_json(req, 200, o);
}
