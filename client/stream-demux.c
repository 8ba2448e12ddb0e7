/* Docker's 8-byte frame headers, and newline-delimited JSON, split from arbitrary pieces. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"

void ctl_demux_init(struct ctl_demux *d, ctl_frame_fn on_frame, void *userdata) {
        *d = (struct ctl_demux) { .on_frame = on_frame, .userdata = userdata };
}

/* Keeps the first bytes of a stream-3 (daemon error) payload for the message. */
static void keep_sys_error(struct ctl_demux *d, const char *data, size_t len) {
        size_t room = sizeof(d->sys_error) - 1 - d->sys_error_len;
        if (len > room)
                len = room;
        memcpy(d->sys_error + d->sys_error_len, data, len);
        d->sys_error_len += len;
        d->sys_error[d->sys_error_len] = '\0';
}

int ctl_demux_feed(struct ctl_demux *d, const char *data, size_t len) {
        while (len > 0) {
                if (d->remaining == 0) {
                        size_t take = sizeof(d->header) - d->header_len;
                        if (take > len)
                                take = len;
                        memcpy(d->header + d->header_len, data, take);
                        d->header_len += take;
                        data += take;
                        len -= take;
                        if (d->header_len < sizeof(d->header))
                                return 0;
                        d->header_len = 0;
                        d->stream = d->header[0];
                        if (d->stream > 3)
                                return -EPROTO;   /* docker's stdcopy aborts on these too */
                        d->remaining = (size_t) d->header[4] << 24 | (size_t) d->header[5] << 16 |
                                       (size_t) d->header[6] << 8 | d->header[7];
                        continue;
                }
                size_t take = d->remaining < len ? d->remaining : len;
                if (d->stream == 3) {
                        keep_sys_error(d, data, take);
                } else {
                        int r = d->on_frame(d->userdata, d->stream, data, take);
                        if (r < 0)
                                return r;
                }
                d->remaining -= take;
                data += take;
                len -= take;
        }
        return 0;
}

int ctl_demux_finish(struct ctl_demux *d) {
        if (d->sys_error_len > 0 || d->remaining > 0 || d->header_len > 0)
                return -EPROTO;
        return 0;
}

void ctl_lines_init(struct ctl_lines *l, ctl_line_fn on_line, void *userdata) {
        *l = (struct ctl_lines) { .on_line = on_line, .userdata = userdata };
}

int ctl_lines_feed(struct ctl_lines *l, const char *data, size_t len) {
        char *b = realloc(l->buf, l->len + len + 1);
        if (!b)
                return -ENOMEM;
        l->buf = b;
        memcpy(l->buf + l->len, data, len);
        l->len += len;
        size_t start = 0;
        for (size_t i = 0; i < l->len; i++) {
                if (l->buf[i] != '\n')
                        continue;
                l->buf[i] = '\0';
                if (i > start) {
                        int r = l->on_line(l->userdata, l->buf + start, i - start);
                        if (r < 0)
                                return r;
                }
                start = i + 1;
        }
        memmove(l->buf, l->buf + start, l->len - start);
        l->len -= start;
        return 0;
}

void ctl_lines_done(struct ctl_lines *l) {
        free(l->buf);
        *l = (struct ctl_lines) { 0 };
}
