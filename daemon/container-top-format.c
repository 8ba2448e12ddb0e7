/*
 * `ps -ef` columns from /proc/PID/stat, computed as procps computes them, so
 * `docker top` against ctrd prints what it prints against dockerd.
 */
#include "container-top.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int ctr_top_parse_stat(const char *text, struct ctr_top_proc *ret) {
        struct ctr_top_proc p = { 0 };
        /* comm is in parentheses and may contain anything: it ends at the last ')'. */
        const char *open = strchr(text, '('), *close = strrchr(text, ')');
        if (!open || !close || close < open)
                return -EINVAL;
        snprintf(p.comm, sizeof(p.comm), "%.*s", (int) (close - open - 1), open + 1);
        int ppid;
        unsigned long long utime, stime, start;
        /* state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
         * cutime cstime priority nice num_threads itrealvalue starttime */
        if (sscanf(close + 1, " %c %d %*d %*d %llu %*d %*u %*u %*u %*u %*u %llu %llu "
                   "%*d %*d %*d %*d %*d %*d %llu", &p.state, &ppid, &p.tty_nr, &utime, &stime,
                   &start) != 6)
                return -EINVAL;
        p.ppid = ppid;
        p.utime = utime;
        p.stime = stime;
        p.starttime = start;
        *ret = p;
        return 0;
}

int ctr_top_clock_read(struct ctr_top_clock *ret) {
        ret->hz = sysconf(_SC_CLK_TCK);
        if (ret->hz <= 0)
                ret->hz = 100;
        if (clock_gettime(CLOCK_REALTIME, &ret->now) < 0 || clock_gettime(CLOCK_BOOTTIME, &ret->uptime) < 0)
                return -errno;
        return 0;
}

static void format_tty(unsigned long long nr, char *buf, size_t len) {
        unsigned major = (unsigned) ((nr >> 8) & 0xfff);
        unsigned minor = (unsigned) ((nr & 0xff) | ((nr >> 12) & 0xfff00));
        if (nr == 0)
                snprintf(buf, len, "?");
        else if (major >= 136 && major <= 143)  /* the Unix98 pty slaves */
                snprintf(buf, len, "pts/%u", minor + (major - 136) * 256);
        else if (major == 4 && minor < 64)
                snprintf(buf, len, "tty%u", minor);
        else if (major == 4)
                snprintf(buf, len, "ttyS%u", minor - 64);
        else
                snprintf(buf, len, "?");
}

static void format_cputime(uint64_t secs, char *buf, size_t len) {
        unsigned long long d = secs / 86400, h = secs / 3600 % 24, m = secs / 60 % 60, s = secs % 60;
        if (d > 0)
                snprintf(buf, len, "%llu-%02llu:%02llu:%02llu", d, h, m, s);
        else
                snprintf(buf, len, "%02llu:%02llu:%02llu", h, m, s);
}

static void format_stime(time_t start, time_t now, char *buf, size_t len) {
        struct tm st, nt;
        localtime_r(&start, &st);
        localtime_r(&now, &nt);
        const char *fmt = st.tm_year != nt.tm_year ? "%Y" : st.tm_yday != nt.tm_yday ? "%b%d" : "%H:%M";
        if (strftime(buf, len, fmt, &st) == 0)
                snprintf(buf, len, "?");
}

void ctr_top_format(const struct ctr_top_proc *p, const struct ctr_top_clock *clk,
                    struct ctr_top_cols *ret) {
        uint64_t hz = (uint64_t) clk->hz;
        uint64_t cpu_ticks = p->utime + p->stime;
        /* Everything in ticks, so a process younger than a second does not divide by zero. */
        uint64_t up_ticks = (uint64_t) clk->uptime.tv_sec * hz +
                            (uint64_t) clk->uptime.tv_nsec * hz / 1000000000;
        uint64_t age_ticks = up_ticks > p->starttime ? up_ticks - p->starttime : 0;
        uint64_t pcpu = age_ticks ? cpu_ticks * 100 / age_ticks : 0;

        snprintf(ret->c, sizeof(ret->c), "%llu", (unsigned long long) (pcpu > 99 ? 99 : pcpu));
        format_stime(clk->now.tv_sec - (time_t) (age_ticks / hz), clk->now.tv_sec,
                     ret->stime, sizeof(ret->stime));
        format_tty(p->tty_nr, ret->tty, sizeof(ret->tty));
        format_cputime(cpu_ticks / hz, ret->time, sizeof(ret->time));
}
