/* State shared by api/server.c, api/request.c, api/response.c and api/stream.c. */
#pragma once

#include <microhttpd.h>
#include <stdbool.h>
#include <uv.h>

#include "api.h"
#include "request.h"
#include "router.h"

/* JSON request bodies larger than this are refused with 413. */
#define API_JSON_BODY_MAX (1024 * 1024)

struct api_stream;

struct api_server {
        uv_loop_t *loop;
        struct ctrd_engine *engine;
        struct MHD_Daemon *mhd;
        uv_poll_t mhd_poll;             /* MHD's epoll fd */
        uv_timer_t mhd_timer;           /* MHD's timeouts, and scheduled runs */
        uv_timer_t drain_timer;         /* shutdown deadline */
        int open_handles;
        bool shutting_down;
        uint64_t drain_deadline;        /* uv_now() after which shutdown stops waiting */
        struct api_request *requests;   /* every live request, for shutdown */
        api_server_closed_fn on_closed;
        void *on_closed_data;
};

struct api_request {
        struct api_server *server;
        struct MHD_Connection *conn;
        struct api_request *prev, *next;
        const char *method;             /* MHD's, valid for the request's life */
        const char *path;               /* after the version prefix */
        struct api_version version;
        bool versioned;
        struct api_match match;
        bool routed;

        char *body;                     /* buffered JSON body, NUL-terminated */
        size_t body_len;
        bool body_too_large;
        int upload_error;               /* -errno from the route's upload function */

        struct MHD_Response *response;  /* answer waiting to be queued */
        unsigned status;
        bool handler_ran;
        bool in_handler;
        bool suspended;
        bool gone;                      /* the client left while we were suspended */

        api_cancel_fn cancel;
        void *cancel_data;
        void *userdata;
        void (*userdata_free)(void *);

        uv_poll_t hup;                  /* watches the socket while suspended */
        bool hup_active;

        struct api_stream *stream;
};

/* Schedules MHD_run() on the next loop turn (never call MHD_run from a callback). */
void api_server_kick(struct api_server *server);

/* Suspends / resumes the connection, watching for the client leaving meanwhile. */
void api_request_suspend(struct api_request *req);
void api_request_resume(struct api_request *req);

/* Adds the headers dockerd puts on every response. */
void api_add_common_headers(struct MHD_Response *r);

/* Sets req's pending response (resuming it when suspended). Takes r. */
void api_request_set_response(struct api_request *req, unsigned status, struct MHD_Response *r);

/* The access handler's last phase: route, run the handler, queue or suspend. */
enum MHD_Result api_request_dispatch(struct api_request *req);

void api_request_free(struct api_request *req);

/* Streams: the MHD response behind api_stream_begin, and teardown. */
struct MHD_Response *api_stream_response(struct api_request *req);
void api_stream_detach(struct api_request *req);
/* Called when the client leaves while a stream waits for data. */
void api_stream_client_gone(struct api_request *req);
