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
};

bool api_request_wants_upgrade(struct api_request *req) {
        const char *up = api_request_header(req, "Upgrade");
        return up && *up;
}

static void on_upgraded(void *cls, struct MHD_Connection *connection, void *con_cls,
                        const char *extra_in, size_t extra_in_size, MHD_socket sock,
                        struct MHD_UpgradeResponseHandle *urh) {
        struct api_hijack *h = cls;
        h->urh = urh;
        /* Our own copy, blocking: MHD's is non-blocking and closed by MHD on release. */
        int fd = fcntl(sock, F_DUPFD_CLOEXEC, 3);
        if (fd >= 0) {
                int fl = fcntl(fd, F_GETFL);
                if (fl >= 0)
                        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
        } else {
                log_warning_errno(errno, "duplicating a hijacked connection");
        }
        /* MHD_run must not be called from here; the owner's release schedules it. */
        h->fn(h, fd, extra_in, extra_in_size, h->userdata);
}

int api_reply_upgrade(struct api_request *req, const char *content_type, api_hijack_fn fn,
                      void *userdata) {
        struct api_hijack *h = calloc(1, sizeof(*h));
        if (!h)
                return -ENOMEM;
        *h = (struct api_hijack) { .server = req->server, .fn = fn, .userdata = userdata };
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

void api_hijack_release(struct api_hijack *h) {
        struct api_server *s = h->server;
        if (h->urh)
                MHD_upgrade_action(h->urh, MHD_UPGRADE_ACTION_CLOSE);
        free(h);
        /* The close resumes the connection internally; MHD needs a run to finish it. */
        api_server_kick(s);
}
