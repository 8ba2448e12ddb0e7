#include "monitor-signal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "macro.h"

static const int shim_signals[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGPIPE };

static int self_pipe_wr = -1;

static void on_signal(int signo) {
        int saved = errno;
        unsigned char b = (unsigned char) signo;
        /* A full pipe already guarantees a wake-up, so a failed write loses nothing. */
        (void) !write(self_pipe_wr, &b, 1);
        errno = saved;
}

static void on_sigpipe(int signo) {
}

static void signal_set(sigset_t *set) {
        sigemptyset(set);
        for (size_t i = 0; i < ARRAY_SIZE(shim_signals); i++)
                sigaddset(set, shim_signals[i]);
}

int shim_signal_setup(void) {
        sigset_t set;
        int p[2];

        if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
                return -errno;
        self_pipe_wr = p[1];

        struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART | SA_NOCLDSTOP };
        sigemptyset(&sa.sa_mask);
        for (size_t i = 0; shim_signals[i] != SIGPIPE; i++)
                if (sigaction(shim_signals[i], &sa, NULL) < 0) {
                        int r = -errno;
                        close(p[0]);
                        close(p[1]);
                        self_pipe_wr = -1;
                        return r;
                }
        /*
         * A reader that vanishes mid-write must cost an EPIPE, never the shim.
         * An empty handler rather than SIG_IGN, which execve() would pass on
         * to the container.
         */
        sa.sa_handler = on_sigpipe;
        signal_set(&set);
        if (sigaction(SIGPIPE, &sa, NULL) < 0 || sigprocmask(SIG_UNBLOCK, &set, NULL) < 0)
                return -errno;
        return p[0];
}

int shim_signal_hold(int fd) {
        sigset_t set;
        int signo;

        signal_set(&set);
        if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
                return -errno;
        while ((signo = shim_signal_next(fd)) > 0)
                if (raise(signo) < 0)
                        return -errno;
        return signo;
}

int shim_signal_next(int fd) {
        unsigned char b;
        ssize_t n = read(fd, &b, 1);
        if (n == 1)
                return b;
        if (n == 0 || errno == EAGAIN)
                return 0;
        return -errno;
}
