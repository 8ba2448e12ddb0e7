/*
 * The daemon's side of the shim protocol (docs/shim-protocol.md): blocking
 * helpers over the control socket RUN_DIR/shim.sock, and readers for the
 * exit file and the start line. Spawning the shim is the daemon's job. No
 * libuv here: the daemon calls these from its thread pool, tests directly.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

#define CTRD_SHIM_TIME_MAX 40

struct ctrd_shim_exit {
        int exit_code;                  /* exit status, or 128+N after signal N */
        int signal;                     /* N, or 0 */
        bool oom_killed;
        char finished_at[CTRD_SHIM_TIME_MAX];   /* RFC 3339, nanoseconds, UTC */
};

struct ctrd_shim_state {
        pid_t pid;
        bool exited;
        char started_at[CTRD_SHIM_TIME_MAX];
        struct ctrd_shim_exit exit;     /* valid when exited */
};

/* Connects to RUN_DIR/shim.sock (paths of any length); returns the fd. */
int ctrd_shim_connect(const char *run_dir, struct ctrd_error *err);

int ctrd_shim_state(int fd, struct ctrd_shim_state *ret, struct ctrd_error *err);
int ctrd_shim_signal(int fd, int signo, struct ctrd_error *err);
int ctrd_shim_resize(int fd, unsigned rows, unsigned cols, struct ctrd_error *err);

/*
 * Hands client_fd (a stream socket, e.g. a hijacked HTTP connection) to the
 * shim, which streams the chosen outputs to it and feeds its bytes to the
 * container's stdin. The caller may close its copy afterwards.
 */
int ctrd_shim_attach(int fd, int client_fd, bool in, bool out, bool err_stream, bool stdin_once,
                     struct ctrd_error *err);

/* Blocks until the container has exited (the exit file is written by then). */
int ctrd_shim_wait(int fd, struct ctrd_shim_exit *ret, struct ctrd_error *err);

/* Reads RUN_DIR/exit; -ENOENT while the container has not exited. */
int ctrd_shim_read_exit(const char *run_dir, struct ctrd_shim_exit *ret, struct ctrd_error *err);

/* Parses the exit file's JSON. */
int ctrd_shim_parse_exit(const char *text, size_t len, struct ctrd_shim_exit *ret, struct ctrd_error *err);

/*
 * Parses the line the shim writes on --sync-fd: the container's pid, or the
 * shim's error (returned as -errno with the shim's message in err).
 */
int ctrd_shim_parse_start(const char *line, size_t len, pid_t *ret_pid, struct ctrd_error *err);

/* Freezes (pause) or thaws (resume) every process of the container. */
int ctrd_shim_pause(int fd, bool pause, struct ctrd_error *err);

struct ctrd_shim_kv {
        char *key;
        uint64_t value;
};

/* The container's cgroup counters (the shim's "stats" reply); limits are 0 when unlimited. */
struct ctrd_shim_stats {
        char read[CTRD_SHIM_TIME_MAX];  /* when the counters were read, RFC 3339 */
        uint64_t memory_usage, memory_limit, memory_max_usage;
        struct ctrd_shim_kv *memory_stat;       /* memory.stat, in the kernel's order */
        size_t n_memory_stat;
        uint64_t cpu_total_ns, cpu_user_ns, cpu_system_ns;
        uint64_t *percpu_ns;            /* none on cgroup v2 */
        size_t n_percpu;
        uint64_t system_cpu_ns;         /* the host's CPU time from /proc/stat */
        unsigned online_cpus;
        uint64_t cpu_periods, cpu_throttled_periods, cpu_throttled_ns;
        uint64_t pids_current, pids_limit;
};

int ctrd_shim_stats(int fd, struct ctrd_shim_stats *ret, struct ctrd_error *err);
/* Frees the arrays in s. Accepts NULL. */
void ctrd_shim_stats_done(struct ctrd_shim_stats *s);

/* The pids in the container's cgroup, host pid namespace, as a new array. */
int ctrd_shim_pids(int fd, pid_t **ret, size_t *ret_n, struct ctrd_error *err);

/* A process to start in the running container: the "exec" request. */
struct ctrd_shim_exec_opts {
        const char *id;                 /* the daemon's exec id, unique per container */
        char *const *args;              /* NULL-terminated, at least one */
        char *const *env;               /* "K=V" over the container's env; NULL: none */
        const char *cwd;                /* absolute; NULL: the container's */
        bool has_user;                  /* else the container's user */
        uid_t uid;
        gid_t gid;
        const gid_t *additional_gids;
        size_t n_additional_gids;
        bool tty;                       /* a pty: raw stream; else multiplexed frames */
        bool in;                        /* client_fd's bytes feed stdin; half-close closes it */
        bool privileged;                /* every capability of the bounding set, no seccomp */
        const char *detach_keys;        /* with tty and in: Docker's syntax; NULL: ctrl-p,ctrl-q */
};

struct ctrd_shim_exec_state {
        pid_t pid;                      /* 0 when the start failed */
        bool running;
        int exit_code;                  /* valid when !running; 126/127 for a failed start */
};

/*
 * Starts an exec whose stdio is streamed over client_fd (a stream socket,
 * e.g. the hijacked HTTP connection; -1 for a detached exec). The shim ends
 * the stream when the exec is done, after recording its exit code. A start
 * the runtime refused returns -errno (-ENOENT: no such executable); the shim
 * has then written the message to client_fd, ended it, and recorded the exec
 * with pid 0 and exit code 127 or 126. A refused request (-EEXIST: the id is
 * taken, -ENOTSOCK, -ESRCH: the container has exited) writes and records
 * nothing.
 */
int ctrd_shim_exec(int fd, int client_fd, const struct ctrd_shim_exec_opts *opts, pid_t *ret_pid,
                   struct ctrd_error *err);
int ctrd_shim_exec_state(int fd, const char *id, struct ctrd_shim_exec_state *ret, struct ctrd_error *err);
/* Blocks until the exec is done; other requests on fd meanwhile are answered first. */
int ctrd_shim_exec_wait(int fd, const char *id, int *ret_exit_code, struct ctrd_error *err);
int ctrd_shim_exec_resize(int fd, const char *id, unsigned rows, unsigned cols, struct ctrd_error *err);
