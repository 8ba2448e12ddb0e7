/*
 * The process attributes of config.json that need privileges or the
 * container's /proc: hostname, domainname, rlimits, oom_score_adj, umask. Run after
 * pivot_root, before the user switch.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "child.h"
#include "fs-util.h"
#include "names.h"

static int set_rlimits(const struct rt_spec *s, struct rt_step_error *e) {
        for (size_t i = 0; i < s->n_rlimits; i++) {
                const struct rt_rlimit *rl = &s->rlimits[i];
                struct rlimit lim = {
                        .rlim_cur = rl->soft == (uint64_t) INT64_MAX ? RLIM_INFINITY : rl->soft,
                        .rlim_max = rl->hard == (uint64_t) INT64_MAX ? RLIM_INFINITY : rl->hard,
                };
                if (setrlimit(rl->resource, &lim) < 0) {
                        char what[64];
                        snprintf(what, sizeof(what), "%s (soft %llu, hard %llu)",
                                 rt_rlimit_to_name(rl->resource),
                                 (unsigned long long) rl->soft, (unsigned long long) rl->hard);
                        return rt_fail(e, "setrlimit", what, errno);
                }
        }
        return 0;
}

static int set_oom_score_adj(int value, struct rt_step_error *e) {
        char buf[16];
        int n = snprintf(buf, sizeof(buf), "%d", value);
        _cleanup_close_ int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
        if (fd < 0 || ctrd_write_all(fd, buf, (size_t) n) < 0)
                return rt_fail(e, "write", "/proc/self/oom_score_adj", errno);
        return 0;
}

int rt_process_setup(const struct rt_spec *s, struct rt_step_error *e) {
        int r;

        if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
                return rt_fail(e, "sethostname", s->hostname, errno);
        if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
                return rt_fail(e, "setdomainname", s->domainname, errno);
        if ((r = set_rlimits(s, e)) < 0)
                return r;
        if (s->has_oom_score_adj && (r = set_oom_score_adj(s->oom_score_adj, e)) < 0)
                return r;
        /* runc's default umask when the spec has none. */
        umask(s->umask >= 0 ? (mode_t) s->umask : 0022);
        return 0;
}
