#include "monitor-loop.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "cleanup.h"

struct shim_loop {
        int epfd;
        bool quit;
        int code;
};

int shim_loop_new(struct shim_loop **ret) {
        struct shim_loop *l = calloc(1, sizeof(*l));
        if (!l)
                return -ENOMEM;
        l->epfd = epoll_create1(EPOLL_CLOEXEC);
        if (l->epfd < 0) {
                int r = -errno;
                free(l);
                return r;
        }
        *ret = l;
        return 0;
}

void shim_loop_free(struct shim_loop *l) {
        if (!l)
                return;
        safe_close(l->epfd);
        free(l);
}

int shim_loop_add(struct shim_loop *l, struct shim_watch *w, int fd, uint32_t events, shim_watch_fn fn) {
        struct epoll_event ev = { .events = events, .data.ptr = w };
        if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
                return -errno;
        *w = (struct shim_watch) { .fd = fd, .events = events, .fn = fn, .added = true };
        return 0;
}

int shim_loop_modify(struct shim_loop *l, struct shim_watch *w, uint32_t events) {
        if (!w->added || w->events == events)
                return 0;
        struct epoll_event ev = { .events = events, .data.ptr = w };
        if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, w->fd, &ev) < 0)
                return -errno;
        w->events = events;
        return 0;
}

void shim_loop_remove(struct shim_loop *l, struct shim_watch *w) {
        if (!w->added)
                return;
        /* Fails only if the fd was closed already, which drops it from epoll anyway. */
        (void) epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL);
        w->added = false;
}

int shim_loop_run(struct shim_loop *l) {
        while (!l->quit) {
                struct epoll_event ev;
                int n = epoll_wait(l->epfd, &ev, 1, -1);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 1) {
                        struct shim_watch *w = ev.data.ptr;
                        w->fn(w, ev.events);
                }
        }
        return l->code;
}

void shim_loop_quit(struct shim_loop *l, int code) {
        l->quit = true;
        l->code = code;
}
