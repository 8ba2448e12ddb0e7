/*
 * ctrctl run and ctrctl start.
 *
 * An attached run follows the docker CLI's order (docker-api.md 3.3):
 * create; attach (a hijacked connection: stdout and stderr, and stdin with
 * -i; raw with -t, see interactive.c); POST /wait (condition next-exit, or
 * removed with --rm), whose headers must arrive before the container may
 * run; start; then the attached output until the daemon closes it. The
 * wait's body gives the exit status to return.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cleanup.h"
#include "cmd-containers.h"
#include "cmd.h"
#include "interactive.h"
#include "stream.h"

struct body_buf {
        char *data;
        size_t len;
};

static int collect(void *userdata, const char *data, size_t len) {
        struct body_buf *b = userdata;
        char *n = realloc(b->data, b->len + len + 1);
        if (!n)
                return -ENOMEM;
        memcpy(n + b->len, data, len);
        b->data = n;
        b->len += len;
        n[b->len] = '\0';
        return 0;
}

/* Frames from the attach stream go to our stdout and stderr as they come. */
static int write_frame(void *userdata, int stream, const char *data, size_t len) {
        FILE *f = stream == 2 ? stderr : stdout;
        if (fwrite(data, 1, len, f) != len)
                return -EIO;
        fflush(f);
        return 0;
}

/* POST start; returns 0, or the exit code docker would use, after printing the error. */
static int start_container(struct ctl_client *c, const char *name) {
        _cleanup_free_ char *path = ctl_container_path(c, name, "/start");
        struct ctl_response resp;
        if (!path || ctl_request(c, "POST", path, NULL, &resp) < 0)
                return CTL_EXIT_DOCKER;
        int code = 0;
        if (resp.status >= 300 && resp.status != 304) {
                json_t *j = json_loads(resp.body, 0, NULL);
                const char *msg = json_string_value(json_object_get(j, "message"));
                code = ctl_start_error_code(msg ? msg : "");
                ctl_print_api_error(&resp);
                json_decref(j);
        }
        ctl_response_done(&resp);
        return code;
}

/* The wait body's StatusCode, or 125 when it carries an error (printed). */
static int wait_result(const struct ctl_stream *w, const struct body_buf *body) {
        if (w->result < 0 || w->status < 200 || w->status >= 300) {
                ctl_stream_print_error(w);
                return CTL_EXIT_DOCKER;
        }
        json_t *j = body->data ? json_loads(body->data, 0, NULL) : NULL;
        const char *msg = json_string_value(json_object_get(json_object_get(j, "Error"), "Message"));
        json_t *code = json_object_get(j, "StatusCode");
        int r = (int) json_integer_value(code);
        if (msg && *msg) {
                fprintf(stderr, "Error response from daemon: %s\n", msg);
                r = CTL_EXIT_DOCKER;
        } else if (!json_is_integer(code)) {
                ctl_error("the daemon's wait answer carries no StatusCode");
                r = CTL_EXIT_DOCKER;
        }
        json_decref(j);
        return r;
}

/*
 * docker run's default --sig-proxy: a signal we receive while attached is
 * passed to the container instead of ending us; the container's exit then
 * ends the stream. The handler only records the signal; read() returns EINTR
 * (no SA_RESTART) and the copy loop forwards it.
 */
static volatile sig_atomic_t pending_signal;
static const int proxied_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

static void on_signal(int sig) {
        pending_signal = sig;
}

static void proxy_signals(bool on) {
        struct sigaction sa = { .sa_handler = on ? on_signal : SIG_DFL };
        for (size_t i = 0; i < ARRAY_SIZE(proxied_signals); i++)
                sigaction(proxied_signals[i], &sa, NULL);
}

static void forward_signal(struct ctl_client *c, const char *id, int sig) {
        _cleanup_free_ char *path = ctl_container_path(c, id, "/kill");
        if (path && ctl_path_add_query(c, &path, "signal", sigabbrev_np(sig)) >= 0)
                ctl_call(c, "POST", path, NULL, NULL);
}

/* Copies the attach stream's frames to stdout and stderr until the daemon closes it. */
static int copy_output(struct ctl_client *c, const char *id, int fd, const char *extra,
                       size_t extra_len) {
        struct ctl_demux demux;
        char buf[32 * 1024];
        ctl_demux_init(&demux, write_frame, NULL);
        int r = ctl_demux_feed(&demux, extra, extra_len);
        while (r >= 0) {
                int sig = pending_signal;
                if (sig) {
                        pending_signal = 0;
                        forward_signal(c, id, sig);
                }
                ssize_t n = read(fd, buf, sizeof(buf));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0) {
                        r = n < 0 ? -errno : 0;
                        break;
                }
                r = ctl_demux_feed(&demux, buf, (size_t) n);
        }
        if (r >= 0)
                r = ctl_demux_finish(&demux);
        if (r < 0 && demux.sys_error_len)
                ctl_error("error from daemon in stream: %s", demux.sys_error);
        else if (r < 0)
                ctl_error("reading the container's output: %s", strerror(-r));
        return r;
}

static int run_attached(struct ctl_client *c, const char *id, const struct ctl_create_opts *o) {
        bool auto_remove = o->auto_remove;
        struct ctl_streams m = { 0 };
        struct ctl_stream wait = { 0 };
        struct body_buf wait_body = { 0 };
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *extra = NULL;
        size_t extra_len = 0;
        _cleanup_free_ char *attach = ctl_container_path(
                c, id, o->interactive ? "/attach?stderr=1&stdout=1&stream=1&stdin=1"
                                      : "/attach?stderr=1&stdout=1&stream=1");
        _cleanup_free_ char *resize = ctl_container_path(c, id, "/resize");
        _cleanup_free_ char *path = ctl_container_path(
                c, id, auto_remove ? "/wait?condition=removed" : "/wait?condition=next-exit");
        int r = CTL_EXIT_DOCKER;
        if (!attach || !path || !resize || ctl_hijack(c, attach, &fd, &extra, &extra_len) < 0)
                goto finish;
        /* Nothing comes from our stdin: half-closing says so at once, as `docker run` without -i. */
        if (!o->interactive)
                shutdown(fd, SHUT_WR);
        if (ctl_streams_init(&m) < 0 ||
            ctl_stream_open(c, &wait, "POST", path, NULL, collect, &wait_body) < 0 ||
            ctl_streams_add(&m, &wait) < 0) {
                ctl_error("out of memory");
                goto finish;
        }
        /* The daemon must have registered the waiter before the container may run. */
        ctl_streams_wait_headers(&m, &wait);
        if (wait.done && (wait.result < 0 || wait.status >= 300)) {
                ctl_stream_print_error(&wait);
                goto finish;
        }
        r = start_container(c, id);
        if (r != 0)
                goto finish;
        if (o->interactive || o->tty) {
                struct ctl_session_opts so = { .tty = o->tty, .stdin_open = o->interactive,
                                               .resize_path = o->tty ? resize : NULL };
                if (o->tty)
                        ctl_session_resize(c, resize);
                ctl_session_run(c, fd, extra, extra_len, &so);
        } else {
                proxy_signals(true);
                copy_output(c, id, fd, extra, extra_len);
                proxy_signals(false);
        }
        ctl_streams_wait_done(&m, &wait);
        r = wait_result(&wait, &wait_body);
finish:
        ctl_streams_remove(&m, &wait);
        ctl_stream_close(&wait);
        ctl_streams_done(&m);
        free(wait_body.data);
        return r;
}

int ctl_cmd_run(struct ctl_client *c, int argc, char *argv[]) {
        struct ctl_create_opts o;
        _cleanup_free_ char *id = NULL;
        int r = ctl_create_parse("run", argc, argv, &o);
        if (r == 0 && !o.help)
                r = ctl_create_container(c, &o, &id);
        if (r == 0 && id && o.detach) {
                r = start_container(c, id);
                if (r == 0)
                        printf("%s\n", id);
        } else if (r == 0 && id) {
                fflush(stdout);
                r = run_attached(c, id, &o);
        }
        json_decref(o.body);
        return r;
}

int ctl_cmd_start(struct ctl_client *c, int argc, char *argv[]) {
        if (argc == 2 && strcmp(argv[1], "--help") == 0) {
                ctl_usage("ctrctl start CONTAINER [CONTAINER...]", "Start one or more stopped containers",
                          "");
                return 0;
        }
        if (argc < 2 || argv[1][0] == '-') {
                if (argc >= 2)
                        ctl_error("start: unknown flag: %s (attaching arrives with the interactive "
                                  "issue; see 'ctrctl start --help')", argv[1]);
                else
                        ctl_error("\"start\" requires at least 1 argument (see 'ctrctl start --help')");
                return CTL_EXIT_DOCKER;
        }
        int rc = 0;
        for (int i = 1; i < argc; i++) {
                int r = start_container(c, argv[i]);
                if (r == 0)
                        printf("%s\n", argv[i]);
                else
                        rc = r;
        }
        return rc;
}
