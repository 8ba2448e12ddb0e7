#include "monitor-signal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "macro.h"

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

int shim_signal_setup(void) {
        static const int signals[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP };
        int p[2];

        if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
                return -errno;
        self_pipe_wr = p[1];

        struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART | SA_NOCLDSTOP };
        sigemptyset(&sa.sa_mask);
        for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
                if (sigaction(signals[i], &sa, NULL) < 0) {
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
        if (sigaction(SIGPIPE, &sa, NULL) < 0)
                return -errno;
        return p[0];
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
