#include "tty-relay.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "fs-util.h"

/* Copies one chunk; false at EOF or error (EIO is how a pty master says hang-up). */
static bool pump(int from, int to) {
        char buf[8192];
        ssize_t n = read(from, buf, sizeof(buf));
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
                return true;
        if (n <= 0)
                return false;
        return ctrd_write_all(to, buf, (size_t) n) >= 0;
}

void rt_tty_relay(int master) {
        struct termios saved, raw;
        bool restore = false;
        struct winsize ws;

        if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
                raw = saved;
                cfmakeraw(&raw);
                restore = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
                if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
                        ioctl(master, TIOCSWINSZ, &ws);
        }
        struct pollfd pfd[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
                                 { .fd = master, .events = POLLIN } };
        for (;;) {
                if (poll(pfd, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
                        if (!pump(master, STDOUT_FILENO))
                                break;
                }
                /* Our stdin at EOF: stop reading it, keep showing the output. */
                if ((pfd[0].revents & (POLLIN | POLLHUP)) && !pump(STDIN_FILENO, master))
                        pfd[0].fd = -1;
        }
        if (restore)
                tcsetattr(STDIN_FILENO, TCSANOW, &saved);
}
