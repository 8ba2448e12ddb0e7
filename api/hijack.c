#include "hijack.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "log.h"
#include "server-internal.h"

struct api_hijack {
        struct api_server *server;
        struct MHD_UpgradeResponseHandle *urh;
        api_hijack_fn fn;
        void *userdata;
        unsigned delay_ms;
        int fd;
        size_t extra_len;
        uv_timer_t delay;
        bool timer_used;
};

bool api_request_wants_upgrade(struct api_request *req) {
        const char *up = api_request_header(req, "Upgrade");
        return up && *up;
}

static void deliver(struct api_hijack *h) {
        h->fn(h, h->fd, h->extra_len, h->userdata);
}

static void on_delay(uv_timer_t *t) {
        deliver(t->data);
}

static void on_upgraded(void *cls, struct MHD_Connection *connection, void *con_cls,
                        const char *extra_in, size_t extra_in_size, MHD_socket sock,
                        struct MHD_UpgradeResponseHandle *urh) {
        struct api_hijack *h = cls;
        h->urh = urh;
        h->extra_len = extra_in_size;
        /* Our own copy, blocking: MHD's is non-blocking and closed by MHD on release. */
        h->fd = fcntl(sock, F_DUPFD_CLOEXEC, 3);
        if (h->fd >= 0) {
                int fl = fcntl(h->fd, F_GETFL);
                if (fl >= 0)
                        fcntl(h->fd, F_SETFL, fl & ~O_NONBLOCK);
        } else {
                log_warning_errno(errno, "duplicating a hijacked connection");
        }
        /* MHD_run must not be called from here; the owner's release schedules it. */
        if (h->delay_ms == 0 || h->fd < 0) {
                deliver(h);
                return;
        }
        uv_timer_init(h->server->loop, &h->delay);
        h->delay.data = h;
        h->timer_used = true;
        uv_timer_start(&h->delay, on_delay, h->delay_ms, 0);
}

int api_reply_upgrade(struct api_request *req, const char *content_type, unsigned delay_ms,
                      api_hijack_fn fn, void *userdata) {
        struct api_hijack *h = calloc(1, sizeof(*h));
        if (!h)
                return -ENOMEM;
        *h = (struct api_hijack) { .server = req->server, .fn = fn, .userdata = userdata,
                                   .delay_ms = delay_ms, .fd = -EBADF };
        struct MHD_Response *r = MHD_create_response_for_upgrade(on_upgraded, h);
        if (!r) {
                free(h);
                return -ENOMEM;
        }
        api_add_common_headers(r);
        MHD_add_response_header(r, "Content-Type", content_type);
        /* MHD refuses an upgrade answer without it. */
        MHD_add_response_header(r, "Upgrade", "tcp");
        api_request_set_response(req, 101, r);
        return 0;
}

static void on_timer_closed(uv_handle_t *t) {
        free(t->data);
}

void api_hijack_release(struct api_hijack *h) {
        struct api_server *s = h->server;
        if (h->urh)
                MHD_upgrade_action(h->urh, MHD_UPGRADE_ACTION_CLOSE);
        if (h->timer_used)
                uv_close((uv_handle_t *) &h->delay, on_timer_closed);
        else
                free(h);
        /* The close resumes the connection internally; MHD needs a run to finish it. */
        api_server_kick(s);
}
