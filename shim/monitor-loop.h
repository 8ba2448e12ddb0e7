/*
 * The shim's event loop: a thin layer over epoll. Each watched fd is a
 * struct shim_watch embedded in the object that owns the fd (as libuv embeds
 * handles), so the callback finds its owner with container_of.
 *
 * epoll_wait() is asked for one event at a time. A callback may then free any
 * other watch (a container exit tears down attach clients, for instance)
 * without leaving a stale pointer in a batch still to be dispatched; the shim
 * handles a handful of events per second, so the extra syscalls cost nothing.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct shim_loop;
struct shim_watch;

typedef void (*shim_watch_fn)(struct shim_watch *w, uint32_t events);

struct shim_watch {
        int fd;
        uint32_t events;        /* EPOLLIN / EPOLLOUT as currently registered */
        shim_watch_fn fn;
        bool added;
};

int shim_loop_new(struct shim_loop **ret);
void shim_loop_free(struct shim_loop *l);

/* Starts watching w->fd for events (EPOLLIN, EPOLLOUT); events 0 keeps it registered but idle. */
int shim_loop_add(struct shim_loop *l, struct shim_watch *w, int fd, uint32_t events, shim_watch_fn fn);
int shim_loop_modify(struct shim_loop *l, struct shim_watch *w, uint32_t events);
/* Stops watching (the fd stays open: the owner closes it). No-op when not added. */
void shim_loop_remove(struct shim_loop *l, struct shim_watch *w);

/* Dispatches events until shim_loop_quit(); returns the code given there, or -errno. */
int shim_loop_run(struct shim_loop *l);
void shim_loop_quit(struct shim_loop *l, int code);
