/*
 * The hijacked connection of POST /containers/{id}/attach: a request with
 * "Upgrade: tcp", a 101 answer, then raw bytes both ways (docker-api.md
 * 3.1). libcurl (7.88) has no way to hand over an upgraded connection, so
 * this one request is written on a socket of our own; the only thing read
 * back as HTTP is the status line, and on an error the Content-Length body.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "api/router.h"
#include "cleanup.h"
#include "stream.h"

#define HEADER_MAX (64 * 1024)

static int connect_unix(const char *path) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        if (strlen(path) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        memcpy(sa.sun_path, path, strlen(path) + 1);
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
        return fd;
}

static int send_all(int fd, const char *data, size_t len) {
        while (len > 0) {
                ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                data += n;
                len -= (size_t) n;
        }
        return 0;
}

/* Reads until the blank line that ends the headers; *ret_end is the body's offset in buf. */
static int read_headers(int fd, char *buf, size_t cap, size_t *ret_len, size_t *ret_end) {
        size_t len = 0;
        while (len + 1 < cap) {
                ssize_t n = recv(fd, buf + len, cap - 1 - len, 0);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return n < 0 ? -errno : -EPROTO;
                len += (size_t) n;
                buf[len] = '\0';
                char *end = strstr(buf, "\r\n\r\n");
                if (end) {
                        *ret_len = len;
                        *ret_end = (size_t) (end - buf) + 4;
                        return 0;
                }
        }
        return -E2BIG;
}

/* The error answer's body (Content-Length bytes, or up to EOF) for ctl_print_api_error. */
static void print_error_answer(int fd, long status, char *buf, size_t len, size_t body) {
        const char *cl = strcasestr(buf, "\r\nContent-Length:");
        size_t want = cl ? strtoul(cl + strlen("\r\nContent-Length:"), NULL, 10) : HEADER_MAX;
        if (want > HEADER_MAX - body - 1)
                want = HEADER_MAX - body - 1;
        while (len - body < want) {
                ssize_t n = recv(fd, buf + len, body + want - len, 0);
                if (n <= 0)
                        break;
                len += (size_t) n;
        }
        buf[len] = '\0';
        struct ctl_response r = { .status = status, .body = buf + body, .len = len - body };
        ctl_print_api_error(&r);
}

int ctl_hijack(struct ctl_client *c, const char *path, int *ret_fd, char **ret_extra,
               size_t *ret_extra_len) {
        return ctl_hijack_body(c, path, NULL, ret_fd, ret_extra, ret_extra_len);
}

int ctl_hijack_body(struct ctl_client *c, const char *path, const char *json_body, int *ret_fd,
                    char **ret_extra, size_t *ret_extra_len) {
        _cleanup_close_ int fd = connect_unix(c->socket_path);
        if (fd < 0) {
                ctl_error("cannot connect to ctrd at %s: is it running?", c->host);
                return -ECONNREFUSED;
        }
        _cleanup_free_ char *req = NULL;
        const char *payload = json_body ? json_body : "";
        int n = asprintf(&req, "POST /v" API_VERSION_STRING "%s HTTP/1.1\r\nHost: ctrd\r\n"
                         "User-Agent: ctrctl/" PACKAGE_VERSION "\r\n%sContent-Length: %zu\r\n"
                         "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n%s", path,
                         json_body ? "Content-Type: application/json\r\n" : "", strlen(payload), payload);
        if (n < 0)
                return -ENOMEM;
        _cleanup_free_ char *buf = malloc(HEADER_MAX);
        size_t len = 0, body = 0;
        int r = buf ? send_all(fd, req, (size_t) n) : -ENOMEM;
        if (r >= 0)
                r = read_headers(fd, buf, HEADER_MAX, &len, &body);
        long status = 0;
        if (r < 0 || sscanf(buf, "HTTP/1.%*d %ld", &status) != 1) {
                ctl_error("the attach request to %s got no HTTP answer", c->host);
                return r < 0 ? r : -EPROTO;
        }
        if (status != 101) {
                print_error_answer(fd, status, buf, len, body);
                return status == 404 ? -ENOENT : -EIO;
        }
        /* Stream bytes that came in the same read as the headers belong to the caller. */
        *ret_extra_len = len - body;
        memmove(buf, buf + body, *ret_extra_len);
        *ret_extra = TAKE_PTR(buf);
        *ret_fd = TAKE_FD(fd);
        return 0;
}
