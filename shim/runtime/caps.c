/*
 * Identity and capabilities, in the only order that works: the bounding set
 * is trimmed while we still hold CAP_SETPCAP, the uid/gid switch keeps the
 * permitted set (PR_SET_KEEPCAPS), then capset() sets effective, permitted
 * and inheritable, and the ambient set is raised last because the kernel
 * allows an ambient capability only when it is permitted and inheritable.
 * capset() is called directly: libcap would add nothing we need here.
 */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"
#include "names.h"

int rt_caps_drop_bounding(const struct rt_spec *s, struct rt_step_error *e) {
        if (!s->has_caps)
                return 0;
        /* Up to the kernel's last capability, which may know more than our table. */
        for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++) {
                if (cap < 64 && (s->caps[RT_CAP_BOUNDING] & (UINT64_C(1) << cap)))
                        continue;
                if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) {
                        const char *name = rt_cap_to_name(cap);
                        return rt_fail(e, "drop bounding capability", name ? name : "?", errno);
                }
        }
        return 0;
}

int rt_user_switch(const struct rt_spec *s, struct rt_step_error *e) {
        char id[32];

        if (s->has_caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
                return rt_fail(e, "prctl", "PR_SET_KEEPCAPS", errno);
        if (setgroups(s->n_additional_gids, s->additional_gids) < 0)
                return rt_fail(e, "setgroups", "additionalGids", errno);
        snprintf(id, sizeof(id), "%u", (unsigned) s->gid);
        if (setresgid(s->gid, s->gid, s->gid) < 0)
                return rt_fail(e, "setgid", id, errno);
        snprintf(id, sizeof(id), "%u", (unsigned) s->uid);
        if (setresuid(s->uid, s->uid, s->uid) < 0)
                return rt_fail(e, "setuid", id, errno);
        /* A credential change clears the parent-death signal; arm it again. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
                return rt_fail(e, "prctl", "PR_SET_PDEATHSIG", errno);
        if (s->has_caps && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
                return rt_fail(e, "prctl", "PR_SET_KEEPCAPS", errno);
        return 0;
}

int rt_caps_apply(const struct rt_spec *s, struct rt_step_error *e) {
        struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct data[2] = { 0 };

        if (!s->has_caps)
                return 0;
        for (int i = 0; i < 2; i++) {
                data[i].effective = (uint32_t) (s->caps[RT_CAP_EFFECTIVE] >> (32 * i));
                data[i].permitted = (uint32_t) (s->caps[RT_CAP_PERMITTED] >> (32 * i));
                data[i].inheritable = (uint32_t) (s->caps[RT_CAP_INHERITABLE] >> (32 * i));
        }
        if (syscall(SYS_capset, &hdr, data) < 0)
                return rt_fail(e, "capset", "effective/permitted/inheritable", errno);
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
                return rt_fail(e, "prctl", "PR_CAP_AMBIENT_CLEAR_ALL", errno);
        /* Like runc, an ambient capability that is not also inheritable is
         * skipped: `runc spec` itself lists ambient capabilities without any
         * inheritable set, and such a bundle must still start. */
        for (int cap = 0; cap < 64; cap++)
                if (s->caps[RT_CAP_AMBIENT] & (UINT64_C(1) << cap))
                        (void) prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
        return 0;
}
