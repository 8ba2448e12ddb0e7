/* The pure half of docker top: /proc/PID/stat parsing and `ps -ef` column formatting. */
#pragma once

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct ctr_top_proc {
        char comm[64];
        char state;                     /* R, S, D, Z, ... */
        pid_t ppid;
        unsigned long long tty_nr;
        uint64_t utime, stime;          /* clock ticks */
        uint64_t starttime;             /* clock ticks after boot */
};

/* What turns ticks into times: taken once per request. */
struct ctr_top_clock {
        long hz;                        /* sysconf(_SC_CLK_TCK) */
        struct timespec now;            /* CLOCK_REALTIME */
        struct timespec uptime;         /* CLOCK_BOOTTIME: the base of starttime */
};

/* The columns ps computes rather than copies. */
struct ctr_top_cols {
        char c[8];                      /* integer CPU %, lifetime average, capped at 99 */
        char stime[16];                 /* HH:MM today, MonDD this year, else YYYY */
        char tty[32];                   /* pts/N, ttyN, ttySN or ? */
        char time[32];                  /* cumulative CPU time, [DD-]HH:MM:SS */
};

/* Parses the content of /proc/PID/stat (comm may hold spaces and parentheses). */
int ctr_top_parse_stat(const char *text, struct ctr_top_proc *ret);
int ctr_top_clock_read(struct ctr_top_clock *ret);
void ctr_top_format(const struct ctr_top_proc *p, const struct ctr_top_clock *clk,
                    struct ctr_top_cols *ret);
