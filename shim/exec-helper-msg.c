#include "exec-helper-msg.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>
#include <sys/socket.h>

#include "cleanup.h"

#define FDS_MAX 3

int shim_helper_send(int sock, const char *data, size_t len, const int *fds, size_t n_fds,
                     struct ctrd_error *err) {
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(FDS_MAX * sizeof(int))];
        } control = { 0 };
        struct iovec iov = { .iov_base = (char *) data, .iov_len = len };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
        int pass[FDS_MAX];
        size_t n = 0;

        for (size_t i = 0; i < n_fds && n < FDS_MAX; i++)
                if (fds[i] >= 0)
                        pass[n++] = fds[i];
        if (n > 0) {
                msg.msg_control = &control;
                msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
                struct cmsghdr *h = CMSG_FIRSTHDR(&msg);
                h->cmsg_level = SOL_SOCKET;
                h->cmsg_type = SCM_RIGHTS;
                h->cmsg_len = CMSG_LEN(n * sizeof(int));
                memcpy(CMSG_DATA(h), pass, n * sizeof(int));
        }
        while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
                if (errno != EINTR)
                        return ctrd_error_sys(err, errno, "exec helper: sending");
        return 0;
}

ssize_t shim_helper_recv(int sock, char *buf, size_t size, int *fds, size_t max_fds, struct ctrd_error *err) {
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(FDS_MAX * sizeof(int))];
        } control;
        struct iovec iov = { .iov_base = buf, .iov_len = size };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                              .msg_control = &control, .msg_controllen = sizeof(control) };
        size_t got = 0;
        ssize_t n;

        for (size_t i = 0; i < max_fds; i++)
                fds[i] = -1;
        while ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0)
                if (errno != EINTR)
                        return ctrd_error_sys(err, errno, "exec helper: receiving");
        for (struct cmsghdr *h = CMSG_FIRSTHDR(&msg); h; h = CMSG_NXTHDR(&msg, h)) {
                if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
                        continue;
                size_t k = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (size_t i = 0; i < k; i++) {
                        int fd;
                        memcpy(&fd, CMSG_DATA(h) + i * sizeof(int), sizeof(int));
                        if (got < max_fds)
                                fds[got++] = fd;
                        else
                                safe_close(fd);
                }
        }
        if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC) || got > max_fds) {
                for (size_t i = 0; i < max_fds; i++)
                        fds[i] = safe_close(fds[i]);
                return ctrd_error_set(err, EMSGSIZE, "exec helper: a message larger than %zu bytes", size);
        }
        if (n == 0)
                return ctrd_error_set(err, ECONNRESET, "exec helper: the other side ended");
        return n;
}

static json_t *strv_json(char **v) {
        json_t *a = json_array();
        for (size_t i = 0; a && v && v[i]; i++)
                if (json_array_append_new(a, json_string(v[i])) < 0) {
                        json_decref(a);
                        return NULL;
                }
        return a;
}

static json_t *user_json(const struct shim_exec_request *x) {
        json_t *gids = json_array();
        for (size_t i = 0; gids && i < x->n_additional_gids; i++)
                if (json_array_append_new(gids, json_integer(x->additional_gids[i])) < 0) {
                        json_decref(gids);
                        return NULL;
                }
        return json_pack("{s:I, s:I, s:o}", "uid", (json_int_t) x->uid, "gid", (json_int_t) x->gid,
                         "additional_gids", gids);
}

/* Sets o[key] = v (taking v); NULL, with o released, when either is missing. */
static json_t *put(json_t *o, const char *key, json_t *v) {
        if (o && v && json_object_set_new(o, key, v) == 0)
                return o;
        if (!o)
                json_decref(v);
        json_decref(o);
        return NULL;
}

char *shim_helper_request(const char *id, const struct shim_exec_request *x) {
        json_t *o = json_pack("{s:s, s:s, s:o, s:b, s:b, s:b}", "op", "exec", "id", id,
                              "args", strv_json(x->args), "tty", x->tty, "stdin", x->in,
                              "privileged", x->privileged);
        if (x->env)
                o = put(o, "env", strv_json(x->env));
        if (x->cwd)
                o = put(o, "cwd", json_string(x->cwd));
        if (x->has_user)
                o = put(o, "user", user_json(x));
        char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        return s;
}
