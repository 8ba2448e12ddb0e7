/*
 * Long responses read as they arrive: `wait` (whose headers come long before
 * its body), `logs -f`, `events` and `stats`. Each request is a struct
 * ctl_stream on its own connection; several are driven together by one
 * struct ctl_streams (a curl multi handle), so `run` can hold its wait open,
 * start the container on another connection and follow the logs on a third.
 *
 * A 2xx body goes to the stream's on_data callback piece by piece; any other
 * status buffers the body so the caller can print the daemon's message.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "http.h"

/* Returns 0 to go on, or -errno to abort the transfer. */
typedef int (*ctl_data_fn)(void *userdata, const char *data, size_t len);

struct ctl_stream {
        void *curl;                     /* CURL * */
        void *headers;                  /* struct curl_slist * */
        char *payload;
        long status;
        bool headers_done;              /* the status line and every header arrived */
        bool done;                      /* the transfer ended (see result) */
        int result;                     /* 0, -ECONNREFUSED, -EIO or the callback's error */
        struct ctl_response error;      /* body of a non-2xx answer */
        ctl_data_fn on_data;
        void *userdata;
        const char *host;               /* for messages */
};

struct ctl_streams {
        void *multi;                    /* CURLM * */
};

/* Prepares method path (API-version prefixed) with an optional JSON body. */
int ctl_stream_open(struct ctl_client *c, struct ctl_stream *s, const char *method,
                    const char *path, json_t *body, ctl_data_fn on_data, void *userdata);
void ctl_stream_close(struct ctl_stream *s);

int ctl_streams_init(struct ctl_streams *m);
int ctl_streams_add(struct ctl_streams *m, struct ctl_stream *s);
void ctl_streams_remove(struct ctl_streams *m, struct ctl_stream *s);
void ctl_streams_done(struct ctl_streams *m);

/* Moves whatever data is ready, without waiting; returns how many transfers still run. */
int ctl_streams_step(struct ctl_streams *m);
/* Sleeps until one of the transfers has something to do, or timeout_ms. */
void ctl_streams_poll(struct ctl_streams *m, int timeout_ms);

/* Drives m until s has its headers (or ended); returns s->result. */
int ctl_streams_wait_headers(struct ctl_streams *m, struct ctl_stream *s);

/* Drives m until s has ended; returns s->result. */
int ctl_streams_wait_done(struct ctl_streams *m, struct ctl_stream *s);

/* Runs s alone to its end; returns 0 when it ended with a 2xx, else prints why and fails. */
int ctl_stream_run(struct ctl_stream *s);

/* Prints the daemon's error for a non-2xx stream (or the transport error); returns -EIO. */
int ctl_stream_print_error(const struct ctl_stream *s);

/*
 * POST path as an HTTP upgrade (attach). On the 101 *ret_fd is the raw
 * connection and *ret_extra (heap, may be empty) holds stream bytes that came
 * with the headers. Otherwise prints the daemon's error and fails (-ENOENT on 404).
 */
int ctl_hijack(struct ctl_client *c, const char *path, int *ret_fd, char **ret_extra,
               size_t *ret_extra_len);
/* The same with a JSON request body (exec start's {"Detach":false,"Tty":...}). */
int ctl_hijack_body(struct ctl_client *c, const char *path, const char *json_body, int *ret_fd,
                    char **ret_extra, size_t *ret_extra_len);

/*
 * Docker's multiplexed framing: 8-byte headers (stream, 0, 0, 0, big-endian
 * length) each followed by that many payload bytes. Fed arbitrary pieces,
 * calls on_frame for every payload piece with its stream number (1 stdout,
 * 2 stderr). A stream-3 payload is the daemon's error: it is collected and
 * reported as -EPROTO with the text in sys_error.
 */
typedef int (*ctl_frame_fn)(void *userdata, int stream, const char *data, size_t len);

struct ctl_demux {
        unsigned char header[8];
        size_t header_len;
        size_t remaining;               /* payload bytes left in the current frame */
        int stream;
        char sys_error[512];
        size_t sys_error_len;
        ctl_frame_fn on_frame;
        void *userdata;
};

void ctl_demux_init(struct ctl_demux *d, ctl_frame_fn on_frame, void *userdata);
int ctl_demux_feed(struct ctl_demux *d, const char *data, size_t len);
/* After the last piece: -EPROTO when a frame was cut short or a stream-3 error came. */
int ctl_demux_finish(struct ctl_demux *d);

/* Newline-delimited JSON (events, stats): on_line for each complete line. */
typedef int (*ctl_line_fn)(void *userdata, const char *line, size_t len);

struct ctl_lines {
        char *buf;
        size_t len;
        ctl_line_fn on_line;
        void *userdata;
};

void ctl_lines_init(struct ctl_lines *l, ctl_line_fn on_line, void *userdata);
int ctl_lines_feed(struct ctl_lines *l, const char *data, size_t len);
void ctl_lines_done(struct ctl_lines *l);
