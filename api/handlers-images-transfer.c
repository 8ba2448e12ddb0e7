/*
 * The image endpoints that move archives: POST /images/create (import from
 * the body), POST /images/load, GET /images/get and /images/{name}/get.
 *
 * Uploaded bodies are streamed into an unlinked temp file under
 * DATA/image/tmp as they arrive; the handler then hands its fd to the image
 * service, which works on the threadpool while the request is suspended.
 * If the client leaves meanwhile, the work still finishes (a half-stored
 * image would be worse) and its answer is dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "macro.h"
#include "daemon/engine.h"
#include "daemon/image-import.h"
#include "daemon/image-load.h"
#include "daemon/image-save.h"
#include "fs-util.h"
#include "log.h"
#include "handlers-images.h"
#include "handlers-images-pull.h"
#include "server-internal.h"
#include "string-util.h"

struct upload {
        int fd;
};

static void upload_free(void *p) {
        struct upload *u = p;
        safe_close(u->fd);
        free(u);
}

/* A file with no name, so nothing is left behind whatever happens to the request or to us. */
static int open_unlinked(const char *dir) {
        int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
        if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR))
                return fd >= 0 ? fd : -errno;
        /* File systems without O_TMPFILE: a named file, unlinked at once. */
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s/upload-XXXXXX", dir) < 0)
                return -ENOMEM;
        fd = mkostemp(path, O_CLOEXEC);
        if (fd < 0)
                return -errno;
        unlink(path);
        return fd;
}

static int upload_open(struct api_request *req, struct upload **ret) {
        struct upload *u = api_request_get_userdata(req);
        if (u) {
                *ret = u;
                return 0;
        }
        int fd = open_unlinked(api_request_engine(req)->images->tmp_dir);
        if (fd < 0)
                return fd;
        u = calloc(1, sizeof(*u));
        if (!u) {
                safe_close(fd);
                return -ENOMEM;
        }
        u->fd = fd;
        api_request_set_userdata(req, u, upload_free);
        *ret = u;
        return 0;
}

int api_images_upload(struct api_request *req, const char *data, size_t len) {
        struct upload *u = NULL;
        int r = upload_open(req, &u);
        if (r >= 0)
                r = ctrd_write_all(u->fd, data, len);
        return r;
}

/* The uploaded body, rewound, as an fd the caller owns (an empty file when there was none). */
static int take_body(struct api_request *req) {
        struct upload *u = NULL;
        int r = upload_open(req, &u);
        if (r < 0)
                return r;
        if (lseek(u->fd, 0, SEEK_SET) < 0)
                return -errno;
        return TAKE_FD(u->fd);
}

/* What a request that went asynchronous keeps; req is NULL once the client is gone. */
struct pending {
        struct api_request *req;
};

static void pending_cancel(struct api_request *req, void *userdata) {
        struct pending *p = userdata;
        p->req = NULL;
}

static struct pending *pending_new(struct api_request *req) {
        struct pending *p = calloc(1, sizeof(*p));
        if (p) {
                p->req = req;
                api_request_on_cancel(req, pending_cancel, p);
        }
        return p;
}

/* Returns the request to answer, or NULL when the client left; frees p either way. */
static struct api_request *pending_finish(struct pending *p) {
        struct api_request *req = p->req;
        free(p);
        if (req)
                api_request_on_cancel(req, NULL, NULL);
        return req;
}

static void import_done(int r, const struct ctrd_error *err, const char *id, void *userdata) {
        struct api_request *req = pending_finish(userdata);
        if (!req)
                return;
        if (r < 0) {
                api_reply_errno(req, r, err);
                return;
        }
        json_t *o = json_pack("{s:s}", "status", id);
        _cleanup_free_ char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        if (s && api_stream_begin(req, 200, "application/json") >= 0) {
                api_stream_write(req, s, strlen(s));
                api_stream_write(req, "\n", 1);
                api_stream_end(req);
        } else {
                api_reply_error(req, 500, "out of memory");
        }
}

struct query_values {
        const char *name;
        char **list;
        size_t n;
        bool oom;
};

static enum MHD_Result collect_value(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value) {
        struct query_values *q = cls;
        if (strcmp(key, q->name) != 0 || !value)
                return MHD_YES;
        char **nl = reallocarray(q->list, q->n + 2, sizeof(char *));
        if (!nl || !(nl[q->n] = strdup(value))) {
                if (nl)
                        q->list = nl;
                q->oom = true;
                return MHD_NO;
        }
        q->list = nl;
        nl[++q->n] = NULL;
        return MHD_YES;
}

/* Every value of a repeated query parameter ("changes", "names"); NULL when out of memory. */
static char **query_all(struct api_request *req, const char *name) {
        struct query_values q = { .name = name, .list = calloc(1, sizeof(char *)) };
        if (!q.list)
                return NULL;
        MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, collect_value, &q);
        if (q.oom) {
                strv_free(q.list);
                return NULL;
        }
        return q.list;
}

void api_handle_images_create(struct api_request *req) {
        struct ctrd_error err = { 0 };
        const char *src = api_request_query(req, "fromSrc");
        if (api_request_query(req, "fromImage")) {
                api_handle_images_pull(req);
                return;
        }
        if (!src || strcmp(src, "-") != 0) {
                api_reply_error(req, src ? 501 : 400, src ? "importing from a URL is not "
                                "supported; send the tarball as the body with fromSrc=-"
                                : "fromSrc or fromImage is required");
                return;
        }
        _cleanup_strv_free_ char **changes = query_all(req, "changes");
        int fd = take_body(req);
        if (!changes || fd < 0) {
                safe_close(fd);
                api_reply_errno(req, fd < 0 ? fd : -ENOMEM, NULL);
                return;
        }
        struct pending *p = pending_new(req);
        const char *msg = api_request_query(req, "message");
        int r = p ? image_import_start(api_request_engine(req)->images, fd,
                                       api_request_query(req, "repo"), api_request_query(req, "tag"),
                                       changes, msg && *msg ? msg : NULL, import_done, p, &err)
                  : (safe_close(fd), ctrd_error_set(&err, ENOMEM, "out of memory"));
        if (r < 0) {
                if (p)
                        pending_finish(p);
                api_reply_errno(req, r, &err);
        }
}

static void load_done(int r, const struct ctrd_error *err, json_t *messages, void *userdata) {
        struct api_request *req = pending_finish(userdata);
        if (!req || api_stream_begin(req, 200, "application/json") < 0)
                return;
        size_t i;
        json_t *m;
        json_array_foreach(messages, i, m)
                api_stream_write_json(req, json_incref(m));
        /* After a 200 the error travels in the stream, where the CLI looks for it. */
        if (r < 0)
                api_stream_write_json(req, json_pack("{s:{s:s}, s:s}", "errorDetail", "message",
                                                     err->msg, "error", err->msg));
        api_stream_end(req);
}

void api_handle_images_load(struct api_request *req) {
        struct ctrd_error err = { 0 };
        int fd = take_body(req);
        if (fd < 0) {
                api_reply_errno(req, fd, NULL);
                return;
        }
        struct pending *p = pending_new(req);
        int r = p ? image_load_start(api_request_engine(req)->images, fd,
                                     ctrd_parse_query_bool(api_request_query(req, "quiet")),
                                     load_done, p, &err)
                  : (safe_close(fd), ctrd_error_set(&err, ENOMEM, "out of memory"));
        if (r < 0) {
                if (p)
                        pending_finish(p);
                api_reply_errno(req, r, &err);
        }
}

/*
 * Streams the saved archive at the client's pace: a timer tops the response
 * buffer up to SAVE_BUFFERED_MAX, so a multi-gigabyte image never sits in
 * memory. The pump outlives the request if the client leaves (its cancel
 * callback clears req) and ends on its next tick.
 */
#define SAVE_CHUNK (256 * 1024)
#define SAVE_BUFFERED_MAX (4 * 1024 * 1024)
#define SAVE_TICK_MS 2

struct save_pump {
        uv_timer_t timer;
        struct api_request *req;
        int fd;
        uint64_t off, len;
};

static void pump_closed(uv_handle_t *h) {
        struct save_pump *p = container_of((uv_timer_t *) h, struct save_pump, timer);
        safe_close(p->fd);
        free(p);
}

static void pump_stop(struct save_pump *p) {
        if (p->req)
                api_request_on_cancel(p->req, NULL, NULL);
        p->req = NULL;
        uv_close((uv_handle_t *) &p->timer, pump_closed);
}

static void pump_cancel(struct api_request *req, void *userdata) {
        ((struct save_pump *) userdata)->req = NULL;
}

/*
 * Refills only once the client has taken everything: the stream buffer
 * reuses its space only when it runs empty, so topping it up while it still
 * holds bytes would let it grow to its cap on a slow reader.
 */
static void pump_tick(uv_timer_t *t) {
        struct save_pump *p = container_of(t, struct save_pump, timer);
        char buf[SAVE_CHUNK];
        size_t queued = 0;
        while (p->req && p->off < p->len && queued < SAVE_BUFFERED_MAX &&
               api_stream_buffered(p->req) == queued) {
                ssize_t n = pread(p->fd, buf, sizeof(buf), (off_t) p->off);
                int r = n > 0 ? api_stream_write(p->req, buf, (size_t) n) : n < 0 ? -errno : -EIO;
                if (r < 0) {
                        /* The stream cannot carry an error now; the client gets a short archive. */
                        log_warning_errno(r, "saving images: the archive was cut short at byte %"
                                          PRIu64, p->off);
                        p->off = p->len;
                        break;
                }
                p->off += (uint64_t) n;
                queued += (size_t) n;
        }
        if (!p->req)
                return pump_stop(p);
        if (p->off >= p->len) {
                api_stream_end(p->req);
                pump_stop(p);
        }
}

static void save_done(int r, const struct ctrd_error *err, int fd, uint64_t len, void *userdata) {
        struct api_request *req = pending_finish(userdata);
        struct save_pump *p = NULL;
        if (!req) {
                safe_close(fd);
                return;
        }
        if (r < 0) {
                api_reply_errno(req, r, err);
                return;
        }
        if (!(p = calloc(1, sizeof(*p))) ||
            uv_timer_init(api_request_engine(req)->loop, &p->timer) < 0) {
                free(p);
                safe_close(fd);
                api_reply_error(req, 500, "out of memory");
                return;
        }
        p->req = req;
        p->fd = fd;
        p->len = len;
        if (api_stream_begin(req, 200, "application/x-tar") < 0) {
                api_reply_error(req, 500, "out of memory");
                p->req = NULL;
                pump_stop(p);
                return;
        }
        api_request_on_cancel(req, pump_cancel, p);
        uv_timer_start(&p->timer, pump_tick, 0, SAVE_TICK_MS);
}

void api_handle_images_save(struct api_request *req) {
        struct ctrd_error err = { 0 };
        const char *one = api_request_param(req, "name");
        _cleanup_strv_free_ char **names = one ? calloc(2, sizeof(char *)) : query_all(req, "names");
        if (names && one && !(names[0] = strdup(one)))
                names = (strv_free(names), NULL);
        if (!names) {
                api_reply_error(req, 500, "out of memory");
                return;
        }
        struct pending *p = pending_new(req);
        int r = p ? image_save_start(api_request_engine(req)->images, names, save_done, p, &err)
                  : ctrd_error_set(&err, ENOMEM, "out of memory");
        if (r < 0) {
                if (p)
                        pending_finish(p);
                api_reply_errno(req, r, &err);
        }
}
