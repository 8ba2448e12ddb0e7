#include "signals.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <strings.h>

#include "macro.h"
#include "string-util.h"

static const struct { const char *name; int num; } signals[] = {
        { "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL },
        { "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "IOT", SIGIOT }, { "BUS", SIGBUS },
        { "FPE", SIGFPE }, { "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },
        { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
        { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
        { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "URG", SIGURG },
        { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
        { "WINCH", SIGWINCH }, { "IO", SIGIO }, { "POLL", SIGPOLL }, { "PWR", SIGPWR },
        { "SYS", SIGSYS },
};

int signal_from_string(const char *s) {
        if (!s || !*s)
                return -EINVAL;
        int64_t n;
        if (ctrd_parse_int64(s, 1, SIGRTMAX, &n) == 0)
                return (int) n;
        if (strncasecmp(s, "SIG", 3) == 0)
                s += 3;
        for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
                if (strcasecmp(s, signals[i].name) == 0)
                        return signals[i].num;
        /* RTMIN, RTMIN+N, RTMAX-N */
        if (strncasecmp(s, "RTMIN", 5) == 0 || strncasecmp(s, "RTMAX", 5) == 0) {
                bool min = strncasecmp(s, "RTMIN", 5) == 0;
                int base = min ? SIGRTMIN : SIGRTMAX;
                if (s[5] == '\0')
                        return base;
                if ((min && s[5] != '+') || (!min && s[5] != '-') ||
                    ctrd_parse_int64(s + 6, 1, SIGRTMAX - SIGRTMIN, &n) < 0)
                        return -EINVAL;
                return min ? base + (int) n : base - (int) n;
        }
        return -EINVAL;
}
