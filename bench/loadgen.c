/* loadgen: HTTP/1.1 GET load over a Unix socket, for bench/run's API scenario.
 *
 *   loadgen SOCKET PATH CONCURRENCY SECONDS   prints "reqs/s p50_ms p99_ms requests errors"
 *   loadgen --serve SOCKET                    a trivial server (200, 2-byte body) to
 *                                             measure loadgen's own ceiling against
 *
 * One thread per connection, each a keep-alive loop of request → full response,
 * as a busy Docker client is. Latency is per request; the rate counts requests
 * completed inside the window. Responses are read by Content-Length or by
 * chunked framing (dockerd sends large lists chunked). Built by bench/run with
 * `cc -O2 -pthread`; not part of the ctrd build. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_SAMPLES (1 << 20)

struct worker {
        pthread_t thread;
        const char *sock, *path;
        double deadline;
        double *lat; /* ms, one per completed request */
        size_t n, errors;
};

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int unix_socket(const char *path, int listening)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd;

        if (strlen(path) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        strcpy(sa.sun_path, path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if ((listening ? bind(fd, (void *) &sa, sizeof(sa)) || listen(fd, 128)
                       : connect(fd, (void *) &sa, sizeof(sa))) < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
        return fd;
}

/* A read buffer over one connection: responses may arrive in pieces or several
 * chunks per read. */
struct conn {
        int fd;
        char buf[65536];
        size_t len, off;
};

static int fill(struct conn *c)
{
        ssize_t n;

        if (c->off > 0) {
                memmove(c->buf, c->buf + c->off, c->len - c->off);
                c->len -= c->off;
                c->off = 0;
        }
        if (c->len == sizeof(c->buf))
                return -ENOBUFS;
        n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
        if (n <= 0)
                return n < 0 ? -errno : -ECONNRESET;
        c->len += n;
        return 0;
}

/* Returns the offset just past the next "\r\n" from c->off, reading as needed. */
static int line_end(struct conn *c, size_t *end)
{
        for (;;) {
                char *p = memmem(c->buf + c->off, c->len - c->off, "\r\n", 2);
                if (p) {
                        *end = p - c->buf + 2;
                        return 0;
                }
                int r = fill(c);
                if (r < 0)
                        return r;
        }
}

static int skip_bytes(struct conn *c, size_t n)
{
        while (c->len - c->off < n) {
                n -= c->len - c->off;
                c->off = c->len;
                int r = fill(c);
                if (r < 0)
                        return r;
        }
        c->off += n;
        return 0;
}

/* Reads one response; returns its status code or -errno. */
static int read_response(struct conn *c)
{
        long clen = -1, status = 0;
        int chunked = 0, r;
        size_t end;

        for (int first = 1;; first = 0) {
                if ((r = line_end(c, &end)) < 0)
                        return r;
                char *l = c->buf + c->off;
                size_t n = end - c->off - 2;
                if (first)
                        status = n > 12 ? strtol(l + 9, NULL, 10) : 0;
                else if (n == 0) {
                        c->off = end;
                        break;
                } else if (n > 15 && !strncasecmp(l, "Content-Length:", 15))
                        clen = strtol(l + 15, NULL, 10);
                else if (n > 18 && !strncasecmp(l, "Transfer-Encoding:", 18) && memmem(l, n, "chunked", 7))
                        chunked = 1;
                c->off = end;
        }
        if (!chunked)
                return clen > 0 ? (r = skip_bytes(c, clen)) < 0 ? r : (int) status : (int) status;
        for (;;) {
                if ((r = line_end(c, &end)) < 0)
                        return r;
                long size = strtol(c->buf + c->off, NULL, 16);
                c->off = end;
                if ((r = skip_bytes(c, size + 2)) < 0) /* the chunk and its CRLF */
                        return r;
                if (size == 0)
                        return status;
        }
}

static void *work(void *arg)
{
        struct worker *w = arg;
        struct conn *c = calloc(1, sizeof(*c));
        char req[512];
        int len = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", w->path);

        if (!c)
                return NULL;
        c->fd = -1;
        while (now() < w->deadline && w->n < MAX_SAMPLES) {
                if (c->fd < 0 && (c->fd = unix_socket(w->sock, 0)) < 0) {
                        w->errors++;
                        c->fd = -1;
                        usleep(1000);
                        continue;
                }
                double t0 = now();
                int st = write(c->fd, req, len) == len ? read_response(c) : -EIO;
                if (st == 200)
                        w->lat[w->n++] = (now() - t0) * 1000;
                else
                        w->errors++;
                if (st < 0) {
                        close(c->fd);
                        c->fd = -1;
                        c->len = c->off = 0;
                }
        }
        if (c->fd >= 0)
                close(c->fd);
        free(c);
        return NULL;
}

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *) a, y = *(const double *) b;
        return x < y ? -1 : x > y;
}

static void *serve_one(void *arg)
{
        static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK";
        struct conn c = { .fd = (int) (long) arg };
        size_t end;

        /* Requests carry no body: answer at each blank line. */
        while (line_end(&c, &end) == 0) {
                int blank = end - c.off == 2;
                c.off = end;
                if (blank && write(c.fd, resp, sizeof(resp) - 1) < 0)
                        break;
        }
        close(c.fd);
        return NULL;
}

static int serve(const char *path)
{
        int lfd = unix_socket(path, 1);

        if (lfd < 0) {
                fprintf(stderr, "loadgen: listening on %s: %s\n", path, strerror(-lfd));
                return 1;
        }
        for (;;) {
                pthread_t t;
                int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
                if (fd < 0)
                        continue;
                if (pthread_create(&t, NULL, serve_one, (void *) (long) fd) != 0)
                        close(fd);
                else
                        pthread_detach(t);
        }
}

int main(int argc, char **argv)
{
        if (argc == 3 && !strcmp(argv[1], "--serve"))
                return serve(argv[2]);
        if (argc != 5) {
                fprintf(stderr, "usage: loadgen SOCKET PATH CONCURRENCY SECONDS | loadgen --serve SOCKET\n");
                return 2;
        }
        int conc = atoi(argv[3]);
        double secs = atof(argv[4]), t0 = now();
        if (conc < 1 || conc > 1024 || secs <= 0) {
                fprintf(stderr, "loadgen: bad concurrency or duration\n");
                return 2;
        }
        struct worker *w = calloc(conc, sizeof(*w));
        size_t total = 0, errors = 0;
        for (int i = 0; w && i < conc; i++) {
                w[i] = (struct worker){ .sock = argv[1], .path = argv[2], .deadline = t0 + secs,
                                        .lat = malloc(MAX_SAMPLES * sizeof(double)) };
                if (!w[i].lat || pthread_create(&w[i].thread, NULL, work, &w[i]) != 0) {
                        fprintf(stderr, "loadgen: cannot start worker %d\n", i);
                        return 1;
                }
        }
        if (!w)
                return 1;
        for (int i = 0; i < conc; i++) {
                pthread_join(w[i].thread, NULL);
                total += w[i].n;
                errors += w[i].errors;
        }
        double elapsed = now() - t0, *all = malloc((total + 1) * sizeof(double));
        size_t k = 0;
        for (int i = 0; all && i < conc; i++) {
                memcpy(all + k, w[i].lat, w[i].n * sizeof(double));
                k += w[i].n;
        }
        if (!all || total == 0) {
                printf("0 0 0 0 %zu\n", errors);
                return 1;
        }
        qsort(all, total, sizeof(double), cmp_double);
        printf("%.0f %.3f %.3f %zu %zu\n", total / elapsed, all[total / 2],
               all[(size_t) (total * 0.99)], total, errors);
        return 0;
}
