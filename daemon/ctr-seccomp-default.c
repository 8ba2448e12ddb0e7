/*
 * The default seccomp profile: an allowlist. Everything not named here fails
 * with EPERM. The list is ctrd's own, grouped by what the calls do; the
 * reasoning for each exclusion is in docs/seccomp.md. Calls that only a
 * capability makes useful (mount needs CAP_SYS_ADMIN, reboot CAP_SYS_BOOT)
 * are opened only when the container holds that capability, so CapAdd
 * works as users expect without turning seccomp off.
 */
#include "ctr-seccomp-default.h"

#include <errno.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdbool.h>

#include "macro.h"

/* Calls any process needs or that the kernel already confines (namespaces, credentials). */
static const char *const allowed[] = {
        /* files and directories */
        "access", "chdir", "chmod", "chown", "chown32", "close", "close_range",
        "copy_file_range", "creat", "dup", "dup2", "dup3", "faccessat", "faccessat2",
        "fadvise64", "fadvise64_64", "fallocate", "fchdir", "fchmod", "fchmodat", "fchmodat2",
        "fchown", "fchown32", "fchownat", "fcntl", "fcntl64", "fdatasync", "flock", "fstat",
        "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64",
        "futimesat", "getcwd", "getdents", "getdents64", "lchown", "lchown32", "link", "linkat",
        "_llseek", "lseek", "lstat", "lstat64", "mkdir", "mkdirat", "mknod", "mknodat",
        "newfstatat", "open", "openat", "openat2", "pread64", "preadv", "preadv2", "pwrite64",
        "pwritev", "pwritev2", "read", "readahead", "readlink", "readlinkat", "readv", "rename",
        "renameat", "renameat2", "rmdir", "sendfile", "sendfile64", "splice", "stat", "stat64",
        "statfs", "statfs64", "statx", "symlink", "symlinkat", "sync", "sync_file_range",
        "syncfs", "tee", "truncate", "truncate64", "umask", "unlink", "unlinkat", "utime",
        "utimensat", "utimensat_time64", "utimes", "vmsplice", "write", "writev",
        /* extended attributes */
        "fgetxattr", "flistxattr", "fremovexattr", "fsetxattr", "getxattr", "lgetxattr",
        "listxattr", "llistxattr", "lremovexattr", "lsetxattr", "removexattr", "setxattr",
        /* polling and events */
        "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait",
        "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2",
        "fanotify_mark", "inotify_add_watch", "inotify_init", "inotify_init1",
        "inotify_rm_watch", "_newselect", "poll", "ppoll", "ppoll_time64", "pselect6",
        "pselect6_time64", "select", "signalfd", "signalfd4", "timerfd_create",
        "timerfd_gettime", "timerfd_gettime64", "timerfd_settime", "timerfd_settime64",
        /* asynchronous I/O (io_uring is left out, see docs/seccomp.md) */
        "io_cancel", "io_destroy", "io_getevents", "io_pgetevents", "io_pgetevents_time64",
        "io_setup", "io_submit", "ioctl", "ioprio_get", "ioprio_set",
        /* memory */
        "brk", "madvise", "membarrier", "memfd_create", "memfd_secret", "mincore", "mlock",
        "mlock2", "mlockall", "mmap", "mmap2", "mprotect", "mremap", "msync", "munlock",
        "munlockall", "munmap", "pkey_alloc", "pkey_free", "pkey_mprotect",
        "remap_file_pages",
        /* processes, threads, scheduling */
        "arch_prctl", "capget", "capset", "execve", "execveat", "exit", "exit_group", "fork",
        "get_robust_list", "get_thread_area", "getcpu", "getpgid", "getpgrp", "getpid",
        "getppid", "getpriority", "getrlimit", "getrusage", "getsid", "gettid",
        "kcmp", "pidfd_open", "pidfd_send_signal", "prctl", "prlimit64", "process_mrelease",
        "process_vm_readv", "process_vm_writev", "ptrace", "restart_syscall", "rseq",
        "sched_get_priority_max", "sched_get_priority_min", "sched_getaffinity",
        "sched_getattr", "sched_getparam", "sched_getscheduler", "sched_rr_get_interval",
        "sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr",
        "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp", "set_robust_list",
        "set_thread_area", "set_tid_address", "setpgid", "setpriority", "setrlimit", "setsid",
        "sysinfo", "ugetrlimit", "uname", "vfork", "wait4", "waitid", "waitpid",
        "landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self",
        /* credentials (the kernel checks CAP_SETUID / CAP_SETGID) */
        "getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups",
        "getgroups32", "getresgid", "getresgid32", "getresuid", "getresuid32", "getuid",
        "getuid32", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32",
        "setgroups", "setgroups32", "setregid", "setregid32", "setresgid", "setresgid32",
        "setresuid", "setresuid32", "setreuid", "setreuid32", "setuid", "setuid32",
        /* signals */
        "alarm", "kill", "pause", "rt_sigaction", "rt_sigpending", "rt_sigprocmask",
        "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait",
        "rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "sigaltstack", "sigprocmask",
        "sigreturn", "tgkill", "tkill",
        /* time (reading it; setting it needs CAP_SYS_TIME below) */
        "adjtimex", "clock_getres", "clock_getres_time64", "clock_gettime", "clock_gettime64",
        "clock_nanosleep", "clock_nanosleep_time64", "getitimer", "gettimeofday", "nanosleep",
        "setitimer", "time", "timer_create", "timer_delete", "timer_getoverrun",
        "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64", "times",
        /* futexes and System V / POSIX IPC (the ipc namespace confines them) */
        "futex", "futex_time64", "futex_waitv", "ipc", "mq_getsetattr", "mq_notify", "mq_open",
        "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64",
        "mq_unlink", "msgctl", "msgget", "msgrcv", "msgsnd", "semctl", "semget", "semop",
        "semtimedop", "semtimedop_time64", "shmat", "shmctl", "shmdt", "shmget",
        /* sockets and pipes (the network namespace confines them) */
        "accept", "accept4", "bind", "connect", "getpeername", "getsockname", "getsockopt",
        "listen", "pipe", "pipe2", "recv", "recvfrom", "recvmmsg", "recvmmsg_time64",
        "recvmsg", "send", "sendmmsg", "sendmsg", "sendto", "setsockopt", "shutdown",
        "socket", "socketcall", "socketpair",
        /* misc */
        "getrandom",
};

static const char *const sys_admin[] = {
        "bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick",
        "lookup_dcookie", "mount", "mount_setattr", "move_mount", "name_to_handle_at",
        "open_tree", "perf_event_open", "quotactl", "quotactl_fd", "setdomainname",
        "sethostname", "setns", "syslog", "umount", "umount2", "unshare",
};
static const char *const sys_boot[] = { "reboot" };
static const char *const sys_chroot[] = { "chroot" };
static const char *const sys_module[] = { "delete_module", "finit_module", "init_module" };
static const char *const sys_pacct[] = { "acct" };
static const char *const sys_ptrace[] = { "pidfd_getfd", "process_madvise" };
static const char *const sys_rawio[] = { "ioperm", "iopl" };
static const char *const sys_time[] = { "clock_adjtime", "clock_adjtime64", "clock_settime",
                                        "clock_settime64", "settimeofday", "stime" };
static const char *const sys_tty_config[] = { "vhangup" };
static const char *const sys_nice[] = { "get_mempolicy", "mbind", "migrate_pages",
                                        "move_pages", "set_mempolicy",
                                        "set_mempolicy_home_node" };
static const char *const syslog_[] = { "syslog" };
static const char *const bpf_[] = { "bpf" };
static const char *const perfmon[] = { "perf_event_open" };
static const char *const dac_read_search[] = { "open_by_handle_at" };

static const struct {
        int cap;
        const char *const *names;
        size_t n;
} cap_groups[] = {
        { CAP_SYS_ADMIN, sys_admin, ARRAY_SIZE(sys_admin) },
        { CAP_SYS_BOOT, sys_boot, ARRAY_SIZE(sys_boot) },
        { CAP_SYS_CHROOT, sys_chroot, ARRAY_SIZE(sys_chroot) },
        { CAP_SYS_MODULE, sys_module, ARRAY_SIZE(sys_module) },
        { CAP_SYS_PACCT, sys_pacct, ARRAY_SIZE(sys_pacct) },
        { CAP_SYS_PTRACE, sys_ptrace, ARRAY_SIZE(sys_ptrace) },
        { CAP_SYS_RAWIO, sys_rawio, ARRAY_SIZE(sys_rawio) },
        { CAP_SYS_TIME, sys_time, ARRAY_SIZE(sys_time) },
        { CAP_SYS_TTY_CONFIG, sys_tty_config, ARRAY_SIZE(sys_tty_config) },
        { CAP_SYS_NICE, sys_nice, ARRAY_SIZE(sys_nice) },
        { CAP_SYSLOG, syslog_, ARRAY_SIZE(syslog_) },
        { 39 /* CAP_BPF */, bpf_, ARRAY_SIZE(bpf_) },
        { 38 /* CAP_PERFMON */, perfmon, ARRAY_SIZE(perfmon) },
        { CAP_DAC_READ_SEARCH, dac_read_search, ARRAY_SIZE(dac_read_search) },
};

/* personality(2) values that only select the usual Linux behaviour (and the query). */
static const json_int_t personalities[] = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffff };

#define CLONE_NS_FLAGS                                                                     \
        (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |        \
         CLONE_NEWNET | CLONE_NEWCGROUP)

static bool has_cap(uint64_t caps, int cap) {
        return caps & (UINT64_C(1) << cap);
}

static int append_names(json_t *names, const char *const *v, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (json_array_append_new(names, json_string(v[i])) < 0)
                        return -ENOMEM;
        return 0;
}

static int append_rule(json_t *rules, json_t *rule) {
        return rule && json_array_append_new(rules, rule) == 0 ? 0 : -ENOMEM;
}

static int add_conditional(json_t *rules, uint64_t caps) {
        int r = 0;

        for (size_t i = 0; r == 0 && i < ARRAY_SIZE(personalities); i++)
                r = append_rule(rules, json_pack("{s:[s],s:s,s:[{s:i,s:I,s:s}]}", "names",
                                                 "personality", "action", "SCMP_ACT_ALLOW",
                                                 "args", "index", 0, "value", personalities[i],
                                                 "op", "SCMP_CMP_EQ"));
        if (r < 0 || has_cap(caps, CAP_SYS_ADMIN))
                return r;
        /* Without CAP_SYS_ADMIN, clone may not create namespaces; clone3 passes its flags in
         * memory seccomp cannot read, so it fails with ENOSYS and libc falls back to clone. */
        r = append_rule(rules, json_pack("{s:[s],s:s,s:[{s:i,s:I,s:I,s:s}]}", "names", "clone",
                                         "action", "SCMP_ACT_ALLOW", "args", "index", 0,
                                         "value", (json_int_t) CLONE_NS_FLAGS, "valueTwo",
                                         (json_int_t) 0, "op", "SCMP_CMP_MASKED_EQ"));
        if (r == 0)
                r = append_rule(rules, json_pack("{s:[s],s:s,s:i}", "names", "clone3", "action",
                                                 "SCMP_ACT_ERRNO", "errnoRet", ENOSYS));
        return r;
}

static int build(uint64_t caps, json_t *rules) {
        json_t *names = json_array();
        int r;

        if (!names || append_names(names, allowed, ARRAY_SIZE(allowed)) < 0)
                goto nomem;
        for (size_t i = 0; i < ARRAY_SIZE(cap_groups); i++) {
                /* syslog and bpf appear in two groups; list each name once. */
                if (!has_cap(caps, cap_groups[i].cap) ||
                    (i > 0 && has_cap(caps, CAP_SYS_ADMIN) &&
                     (cap_groups[i].names == syslog_ || cap_groups[i].names == bpf_ ||
                      cap_groups[i].names == perfmon)))
                        continue;
                if (append_names(names, cap_groups[i].names, cap_groups[i].n) < 0)
                        goto nomem;
        }
        r = append_rule(rules, json_pack("{s:o,s:s}", "names", names, "action",
                                         "SCMP_ACT_ALLOW"));
        if (r < 0)
                return r;
        return add_conditional(rules, caps);
nomem:
        json_decref(names);
        return -ENOMEM;
}

int ctr_seccomp_default(uint64_t caps, json_t **ret, struct ctrd_error *err) {
        json_t *rules = json_array(), *arches = ctr_seccomp_native_arches();

        if (!rules || !arches || build(caps, rules) < 0) {
                json_decref(rules);
                json_decref(arches);
                return ctrd_error_set(err, ENOMEM, "out of memory");
        }
        *ret = json_pack("{s:s,s:i,s:o,s:o}", "defaultAction", "SCMP_ACT_ERRNO",
                         "defaultErrnoRet", EPERM, "architectures", arches, "syscalls", rules);
        return *ret ? 0 : ctrd_error_set(err, ENOMEM, "out of memory");
}

json_t *ctr_seccomp_native_arches(void) {
#if defined(__x86_64__)
        return json_pack("[sss]", "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
#elif defined(__aarch64__)
        return json_pack("[ss]", "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM");
#elif defined(__i386__)
        return json_pack("[s]", "SCMP_ARCH_X86");
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        return json_pack("[s]", "SCMP_ARCH_PPC64LE");
#elif defined(__s390x__)
        return json_pack("[ss]", "SCMP_ARCH_S390X", "SCMP_ARCH_S390");
#elif defined(__riscv) && __riscv_xlen == 64
        return json_pack("[s]", "SCMP_ARCH_RISCV64");
#else
        return json_array();
#endif
}
