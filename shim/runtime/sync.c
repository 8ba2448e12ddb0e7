#include "sync.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *phase_name(uint32_t phase) {
        switch (phase) {
        case RT_SYNC_GO:        return "go";
        case RT_SYNC_PTY:       return "pty";
        case RT_SYNC_EXEC:      return "exec";
        case RT_SYNC_ERROR:     return "error";
        default:                return "unknown";
        }
}

static int send_msg(int sock, const struct rt_sync_msg *m, int fd) {
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control;
        struct iovec iov = { .iov_base = (void *) m, .iov_len = sizeof(*m) };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

        if (fd >= 0) {
                memset(&control, 0, sizeof(control));
                mh.msg_control = control.buf;
                mh.msg_controllen = sizeof(control.buf);
                struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(c), &fd, sizeof(int));
        }
        ssize_t n;
        do
                n = sendmsg(sock, &mh, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        return n == (ssize_t) sizeof(*m) ? 0 : -EPROTO;
}

int rt_sync_send(int sock, enum rt_sync_phase phase, int fd_to_pass) {
        struct rt_sync_msg m = { .phase = phase };
        return send_msg(sock, &m, fd_to_pass);
}

void rt_sync_send_error(int sock, const char *step, const char *text, int errnum) {
        int saved = errno;
        struct rt_sync_msg m = { .phase = RT_SYNC_ERROR, .errnum = errnum > 0 ? errnum : EIO };

        snprintf(m.step, sizeof(m.step), "%s", step);
        snprintf(m.text, sizeof(m.text), "%s", text ? text : "");
        (void) send_msg(sock, &m, -1);
        errno = saved;
}

int rt_sync_recv(int sock, struct rt_sync_msg *msg, int *ret_fd) {
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control;
        struct iovec iov = { .iov_base = msg, .iov_len = sizeof(*msg) };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
                             .msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
        ssize_t n;

        if (ret_fd)
                *ret_fd = -1;
        do
                n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        if (n == 0)
                return 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                        int fd;
                        memcpy(&fd, CMSG_DATA(c), sizeof(int));
                        if (ret_fd)
                                *ret_fd = fd;
                        else
                                close(fd);
                }
        if (n != (ssize_t) sizeof(*msg) || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
                return -EPROTO;
        msg->step[sizeof(msg->step) - 1] = '\0';
        msg->text[sizeof(msg->text) - 1] = '\0';
        return 1;
}

int rt_sync_error_from_msg(const struct rt_sync_msg *msg, struct ctrd_error *err) {
        if (msg->text[0])
                return ctrd_error_sys(err, msg->errnum, "%s %s", msg->step, msg->text);
        return ctrd_error_sys(err, msg->errnum, "%s", msg->step);
}

int rt_sync_expect(int sock, enum rt_sync_phase want, int *ret_fd, struct ctrd_error *err) {
        struct rt_sync_msg msg;
        int r = rt_sync_recv(sock, &msg, ret_fd);

        if (r < 0)
                return ctrd_error_sys(err, -r, "sync: waiting for '%s'", phase_name(want));
        if (r == 0)
                return ctrd_error_set(err, EPIPE, "sync: the other side exited before '%s'",
                                      phase_name(want));
        if (msg.phase == RT_SYNC_ERROR)
                return rt_sync_error_from_msg(&msg, err);
        if (msg.phase != want)
                return ctrd_error_set(err, EPROTO, "sync: got '%s' while waiting for '%s'",
                                      phase_name(msg.phase), phase_name(want));
        return 0;
}
