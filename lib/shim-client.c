#include "shim-client.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs-util.h"

/* Replies are far smaller than the shim's SHIM_REQUEST_MAX. */
#define MSG_MAX 4096

static inline void decref_jsonp(json_t **p) {
        json_decref(*p);
}

int ctrd_shim_connect(const char *run_dir, struct ctrd_error *err) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        _cleanup_close_ int dir = open(run_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
                return ctrd_error_sys(err, errno, "opening shim run dir '%s'", run_dir);
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return ctrd_error_sys(err, errno, "creating a socket");
        snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/shim.sock", dir);
        if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
                return ctrd_error_sys(err, errno, "connecting to '%s/shim.sock'", run_dir);
        return TAKE_FD(fd);
}

static int send_request(int fd, json_t *req, int pass_fd, struct ctrd_error *err) {
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } control = { 0 };
        _cleanup_free_ char *s = req ? json_dumps(req, JSON_COMPACT) : NULL;
        if (!s)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        size_t n = strlen(s);
        s[n] = '\n';    /* json_dumps' NUL becomes the line end */
        struct iovec iov = { .iov_base = s, .iov_len = n + 1 };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
        if (pass_fd >= 0) {
                msg.msg_control = &control;
                msg.msg_controllen = sizeof(control);
                struct cmsghdr *h = CMSG_FIRSTHDR(&msg);
                h->cmsg_level = SOL_SOCKET;
                h->cmsg_type = SCM_RIGHTS;
                h->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(h), &pass_fd, sizeof(int));
        }
        if (sendmsg(fd, &msg, MSG_NOSIGNAL) < 0)
                return ctrd_error_sys(err, errno, "sending a request to the shim");
        return 0;
}

/* Receives one reply; a reply with "ok": false becomes -errno with the shim's message. */
static int recv_reply(int fd, json_t **ret, struct ctrd_error *err) {
        char buf[MSG_MAX];
        json_error_t jerr;
        ssize_t n;

        while ((n = recv(fd, buf, sizeof(buf), 0)) < 0 && errno == EINTR)
                ;
        if (n < 0)
                return ctrd_error_sys(err, errno, "reading the shim's reply");
        if (n == 0)
                return ctrd_error_set(err, ECONNRESET, "the shim closed the connection");
        json_t *o = json_loadb(buf, (size_t) n, 0, &jerr);
        if (!o || !json_is_object(o)) {
                json_decref(o);
                return ctrd_error_set(err, EPROTO, "the shim's reply is not a JSON object");
        }
        if (!json_is_true(json_object_get(o, "ok"))) {
                int code = (int) json_integer_value(json_object_get(o, "errno"));
                const char *msg = json_string_value(json_object_get(o, "error"));
                int r = ctrd_error_set(err, code ? code : EPROTO, "%s", msg ? msg : "request failed");
                json_decref(o);
                return r;
        }
        *ret = o;
        return 0;
}

/* Sends req (stealing the reference) and waits for the reply. */
static int call(int fd, json_t *req, int pass_fd, json_t **ret, struct ctrd_error *err) {
        _cleanup_(decref_jsonp) json_t *r_req = req;
        json_t *reply = NULL;
        int r = send_request(fd, r_req, pass_fd, err);
        if (r >= 0)
                r = recv_reply(fd, &reply, err);
        if (r >= 0 && ret)
                *ret = reply;
        else
                json_decref(reply);
        return r;
}

static int exit_from_json(json_t *o, struct ctrd_shim_exit *ret, struct ctrd_error *err) {
        json_t *code = json_object_get(o, "exit_code"), *sig = json_object_get(o, "signal");
        json_t *when = json_object_get(o, "finished_at"), *oom = json_object_get(o, "oom_killed");
        if (!json_is_integer(code) || !json_is_integer(sig) || !json_is_string(when) || !json_is_boolean(oom))
                return ctrd_error_set(err, EPROTO, "exit record lacks exit_code, signal, finished_at or oom_killed");
        ret->exit_code = (int) json_integer_value(code);
        ret->signal = (int) json_integer_value(sig);
        ret->oom_killed = json_is_true(oom);
        snprintf(ret->finished_at, sizeof(ret->finished_at), "%s", json_string_value(when));
        return 0;
}

int ctrd_shim_state(int fd, struct ctrd_shim_state *ret, struct ctrd_error *err) {
        _cleanup_(decref_jsonp) json_t *o = NULL;
        int r = call(fd, json_pack("{s:s}", "op", "state"), -1, &o, err);
        if (r < 0)
                return r;
        struct ctrd_shim_state st = { 0 };
        const char *status = json_string_value(json_object_get(o, "status"));
        st.pid = (pid_t) json_integer_value(json_object_get(o, "pid"));
        st.exited = status && strcmp(status, "exited") == 0;
        snprintf(st.started_at, sizeof(st.started_at), "%s",
                 json_string_value(json_object_get(o, "started_at")) ?: "");
        if (st.exited && (r = exit_from_json(o, &st.exit, err)) < 0)
                return r;
        *ret = st;
        return 0;
}

int ctrd_shim_signal(int fd, int signo, struct ctrd_error *err) {
        return call(fd, json_pack("{s:s, s:i}", "op", "signal", "signo", signo), -1, NULL, err);
}

int ctrd_shim_resize(int fd, unsigned rows, unsigned cols, struct ctrd_error *err) {
        return call(fd, json_pack("{s:s, s:i, s:i}", "op", "resize", "rows", (int) rows, "cols", (int) cols),
                    -1, NULL, err);
}

int ctrd_shim_attach(int fd, int client_fd, bool in, bool out, bool err_stream, bool stdin_once,
                     struct ctrd_error *err) {
        return call(fd, json_pack("{s:s, s:b, s:b, s:b, s:b}", "op", "attach", "stdin", in, "stdout", out,
                                  "stderr", err_stream, "stdin_once", stdin_once),
                    client_fd, NULL, err);
}

int ctrd_shim_wait(int fd, struct ctrd_shim_exit *ret, struct ctrd_error *err) {
        _cleanup_(decref_jsonp) json_t *o = NULL;
        int r = call(fd, json_pack("{s:s}", "op", "wait"), -1, &o, err);
        return r < 0 ? r : exit_from_json(o, ret, err);
}

int ctrd_shim_parse_exit(const char *text, size_t len, struct ctrd_shim_exit *ret, struct ctrd_error *err) {
        json_error_t jerr;
        _cleanup_(decref_jsonp) json_t *o = json_loadb(text, len, 0, &jerr);
        if (!o)
                return ctrd_error_set(err, EPROTO, "exit file is not JSON: %s", jerr.text);
        return exit_from_json(o, ret, err);
}

int ctrd_shim_read_exit(const char *run_dir, struct ctrd_shim_exit *ret, struct ctrd_error *err) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        size_t len;
        if (asprintf(&path, "%s/exit", run_dir) < 0)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        int r = ctrd_read_file(path, MSG_MAX, &text, &len, err);
        if (r < 0)
                return r;
        r = ctrd_shim_parse_exit(text, len, ret, err);
        return r < 0 ? ctrd_error_wrap(err, "reading '%s'", path) : 0;
}

int ctrd_shim_parse_start(const char *line, size_t len, pid_t *ret_pid, struct ctrd_error *err) {
        json_error_t jerr;
        _cleanup_(decref_jsonp) json_t *o = json_loadb(line, len, 0, &jerr);
        if (!o || !json_is_object(o))
                return ctrd_error_set(err, EPROTO, "the shim's start line is not a JSON object");
        json_t *pid = json_object_get(o, "pid");
        if (json_is_integer(pid) && json_integer_value(pid) > 0) {
                *ret_pid = (pid_t) json_integer_value(pid);
                return 0;
        }
        const char *msg = json_string_value(json_object_get(o, "error"));
        int code = (int) json_integer_value(json_object_get(o, "errno"));
        if (!msg)
                return ctrd_error_set(err, EPROTO, "the shim's start line has neither pid nor error");
        return ctrd_error_set(err, code > 0 ? code : EIO, "%s", msg);
}

int ctrd_shim_pause(int fd, bool pause, struct ctrd_error *err) {
        return call(fd, json_pack("{s:s}", "op", pause ? "pause" : "resume"), -1, NULL, err);
}

/*
 * Like recv_reply, for replies that may outgrow MSG_MAX (a long pid list,
 * many CPUs): the packet's size is peeked first, so nothing is cut.
 */
static int recv_reply_sized(int fd, json_t **ret, struct ctrd_error *err) {
        json_error_t jerr;
        ssize_t n;

        while ((n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC)) < 0 && errno == EINTR)
                ;
        if (n < 0)
                return ctrd_error_sys(err, errno, "reading the shim's reply");
        if (n == 0)
                return ctrd_error_set(err, ECONNRESET, "the shim closed the connection");
        _cleanup_free_ char *buf = malloc((size_t) n);
        if (!buf)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        while ((n = recv(fd, buf, (size_t) n, 0)) < 0 && errno == EINTR)
                ;
        if (n <= 0)
                return ctrd_error_sys(err, n < 0 ? errno : ECONNRESET, "reading the shim's reply");
        json_t *o = json_loadb(buf, (size_t) n, 0, &jerr);
        if (!o || !json_is_object(o)) {
                json_decref(o);
                return ctrd_error_set(err, EPROTO, "the shim's reply is not a JSON object");
        }
        if (!json_is_true(json_object_get(o, "ok"))) {
                int code = (int) json_integer_value(json_object_get(o, "errno"));
                const char *msg = json_string_value(json_object_get(o, "error"));
                int r = ctrd_error_set(err, code ? code : EPROTO, "%s", msg ? msg : "request failed");
                json_decref(o);
                return r;
        }
        *ret = o;
        return 0;
}

static int call_sized(int fd, const char *op, json_t **ret, struct ctrd_error *err) {
        _cleanup_(decref_jsonp) json_t *req = json_pack("{s:s}", "op", op);
        int r = send_request(fd, req, -1, err);
        return r < 0 ? r : recv_reply_sized(fd, ret, err);
}

static uint64_t u64_of(json_t *o, const char *key) {
        json_int_t v = json_integer_value(json_object_get(o, key));
        return v > 0 ? (uint64_t) v : 0;
}

static int memory_stat_from_json(json_t *o, struct ctrd_shim_stats *s, struct ctrd_error *err) {
        const char *key;
        json_t *v;
        s->memory_stat = calloc(json_object_size(o) + 1, sizeof(*s->memory_stat));
        if (!s->memory_stat)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        json_object_foreach(o, key, v) {
                struct ctrd_shim_kv *kv = &s->memory_stat[s->n_memory_stat];
                kv->key = strdup(key);
                if (!kv->key)
                        return ctrd_error_set(err, ENOMEM, "out of memory");
                kv->value = json_integer_value(v) > 0 ? (uint64_t) json_integer_value(v) : 0;
                s->n_memory_stat++;
        }
        return 0;
}

static int stats_from_json(json_t *o, struct ctrd_shim_stats *s, struct ctrd_error *err) {
        json_t *mem = json_object_get(o, "memory"), *cpu = json_object_get(o, "cpu");
        json_t *pids = json_object_get(o, "pids"), *percpu = json_object_get(cpu, "percpu_ns");
        if (!json_is_object(mem) || !json_is_object(cpu) || !json_is_object(pids))
                return ctrd_error_set(err, EPROTO, "the shim's stats lack memory, cpu or pids");
        snprintf(s->read, sizeof(s->read), "%s", json_string_value(json_object_get(o, "read")) ?: "");
        s->memory_usage = u64_of(mem, "usage");
        s->memory_limit = u64_of(mem, "limit");
        s->memory_max_usage = u64_of(mem, "max_usage");
        s->cpu_total_ns = u64_of(cpu, "total_ns");
        s->cpu_user_ns = u64_of(cpu, "user_ns");
        s->cpu_system_ns = u64_of(cpu, "system_ns");
        s->system_cpu_ns = u64_of(cpu, "system_cpu_ns");
        s->online_cpus = (unsigned) u64_of(cpu, "online_cpus");
        s->cpu_periods = u64_of(cpu, "periods");
        s->cpu_throttled_periods = u64_of(cpu, "throttled_periods");
        s->cpu_throttled_ns = u64_of(cpu, "throttled_ns");
        s->pids_current = u64_of(pids, "current");
        s->pids_limit = u64_of(pids, "limit");
        s->percpu_ns = calloc(json_array_size(percpu) + 1, sizeof(uint64_t));
        if (!s->percpu_ns)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        for (s->n_percpu = 0; s->n_percpu < json_array_size(percpu); s->n_percpu++) {
                json_int_t v = json_integer_value(json_array_get(percpu, s->n_percpu));
                s->percpu_ns[s->n_percpu] = v > 0 ? (uint64_t) v : 0;
        }
        return memory_stat_from_json(json_object_get(mem, "stats"), s, err);
}

int ctrd_shim_stats(int fd, struct ctrd_shim_stats *ret, struct ctrd_error *err) {
        _cleanup_(decref_jsonp) json_t *o = NULL;
        struct ctrd_shim_stats s = { 0 };
        int r = call_sized(fd, "stats", &o, err);
        if (r >= 0)
                r = stats_from_json(o, &s, err);
        if (r < 0) {
                ctrd_shim_stats_done(&s);
                return r;
        }
        *ret = s;
        return 0;
}

void ctrd_shim_stats_done(struct ctrd_shim_stats *s) {
        if (!s)
                return;
        for (size_t i = 0; i < s->n_memory_stat; i++)
                free(s->memory_stat[i].key);
        free(s->memory_stat);
        free(s->percpu_ns);
        s->memory_stat = NULL;
        s->percpu_ns = NULL;
        s->n_memory_stat = s->n_percpu = 0;
}

int ctrd_shim_pids(int fd, pid_t **ret, size_t *ret_n, struct ctrd_error *err) {
        _cleanup_(decref_jsonp) json_t *o = NULL;
        int r = call_sized(fd, "pids", &o, err);
        if (r < 0)
                return r;
        json_t *a = json_object_get(o, "pids");
        if (!json_is_array(a))
                return ctrd_error_set(err, EPROTO, "the shim's pids reply has no list");
        size_t n = json_array_size(a);
        pid_t *pids = calloc(n + 1, sizeof(pid_t));
        if (!pids)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++)
                pids[i] = (pid_t) json_integer_value(json_array_get(a, i));
        *ret = pids;
        *ret_n = n;
        return 0;
}

static json_t *strv_json(char *const *l) {
        json_t *a = json_array();
        for (size_t i = 0; a && l && l[i]; i++)
                if (json_array_append_new(a, json_string(l[i])) < 0) {
                        json_decref(a);
                        return NULL;
                }
        return a;
}

static json_t *user_json(const struct ctrd_shim_exec_opts *o) {
        json_t *gids = json_array();
        for (size_t i = 0; gids && i < o->n_additional_gids; i++)
                if (json_array_append_new(gids, json_integer(o->additional_gids[i])) < 0) {
                        json_decref(gids);
                        return NULL;
                }
        return json_pack("{s:I, s:I, s:o}", "uid", (json_int_t) o->uid, "gid", (json_int_t) o->gid,
                         "additional_gids", gids);
}

static json_t *exec_request(const struct ctrd_shim_exec_opts *o) {
        json_t *req = json_pack("{s:s, s:s, s:o, s:b, s:b, s:b}", "op", "exec", "id", o->id,
                                "args", strv_json(o->args), "tty", o->tty, "stdin", o->in,
                                "privileged", o->privileged);
        if (req && o->env && json_object_set_new(req, "env", strv_json(o->env)) < 0)
                goto fail;
        if (req && o->cwd && json_object_set_new(req, "cwd", json_string(o->cwd)) < 0)
                goto fail;
        if (req && o->detach_keys && json_object_set_new(req, "detach_keys", json_string(o->detach_keys)) < 0)
                goto fail;
        if (req && o->has_user && json_object_set_new(req, "user", user_json(o)) < 0)
                goto fail;
        return req;
fail:
        json_decref(req);
        return NULL;
}

int ctrd_shim_exec(int fd, int client_fd, const struct ctrd_shim_exec_opts *opts, pid_t *ret_pid,
                   struct ctrd_error *err) {
        _cleanup_(decref_jsonp) json_t *o = NULL;
        if (!opts->id || !opts->args || !opts->args[0])
                return ctrd_error_set(err, EINVAL, "exec needs an id and a command");
        int r = call(fd, exec_request(opts), client_fd, &o, err);
        if (r < 0)
                return r;
        if (ret_pid)
                *ret_pid = (pid_t) json_integer_value(json_object_get(o, "pid"));
        return 0;
}

int ctrd_shim_exec_state(int fd, const char *id, struct ctrd_shim_exec_state *ret, struct ctrd_error *err) {
        _cleanup_(decref_jsonp) json_t *o = NULL;
        int r = call(fd, json_pack("{s:s, s:s}", "op", "exec-state", "id", id), -1, &o, err);
        if (r < 0)
                return r;
        json_t *code = json_object_get(o, "exit_code");
        *ret = (struct ctrd_shim_exec_state) {
                .pid = (pid_t) json_integer_value(json_object_get(o, "pid")),
                .running = json_is_true(json_object_get(o, "running")),
                .exit_code = json_is_integer(code) ? (int) json_integer_value(code) : -1,
        };
        return 0;
}

int ctrd_shim_exec_wait(int fd, const char *id, int *ret_exit_code, struct ctrd_error *err) {
        _cleanup_(decref_jsonp) json_t *o = NULL;
        int r = call(fd, json_pack("{s:s, s:s}", "op", "exec-wait", "id", id), -1, &o, err);
        if (r < 0)
                return r;
        json_t *code = json_object_get(o, "exit_code");
        if (!json_is_integer(code))
                return ctrd_error_set(err, EPROTO, "exec-exit event without exit_code");
        *ret_exit_code = (int) json_integer_value(code);
        return 0;
}

int ctrd_shim_exec_resize(int fd, const char *id, unsigned rows, unsigned cols, struct ctrd_error *err) {
        return call(fd, json_pack("{s:s, s:i, s:i, s:s}", "op", "resize", "rows", (int) rows, "cols", (int) cols,
                                  "exec", id),
                    -1, NULL, err);
}
