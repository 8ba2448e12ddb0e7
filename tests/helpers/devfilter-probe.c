/*
 * devfilter-probe CGROUP2_DIR: attaches the runtime's v2 device filter for
 * "deny all, allow c 1:3 rwm, allow c 1:5 r" to the (empty, test-made)
 * cgroup, moves a child into it and prints which opens the kernel allowed:
 *     null-rw=1 zero-r=1 zero-rw=0 full-r=0
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup-internal.h"

int main(int argc, char *argv[]) {
        if (argc != 2) {
                fprintf(stderr, "usage: devfilter-probe CGROUP2_DIR\n");
                return 2;
        }
        static const struct rt_device_rule rules[] = {
                { .allow = false, .type = 'a', .major = -1, .minor = -1, .access = "rwm" },
                { .allow = true, .type = 'c', .major = 1, .minor = 3, .access = "rwm" },
                { .allow = true, .type = 'c', .major = 1, .minor = 5, .access = "r" },
        };
        struct ctrd_error err = { 0 };
        if (rt_cgroup_v2_devices_apply(argv[1], rules, 3, &err) < 0) {
                fprintf(stderr, "devfilter-probe: %s\n", err.msg);
                return 1;
        }
        pid_t pid = fork();
        if (pid < 0)
                return 1;
        if (pid == 0) {
                if (rt_cgroup_write_pid(argv[1], getpid(), &err) < 0) {
                        fprintf(stderr, "devfilter-probe: %s\n", err.msg);
                        _exit(1);
                }
                printf("null-rw=%d zero-r=%d zero-rw=%d full-r=%d\n",
                       open("/dev/null", O_RDWR) >= 0, open("/dev/zero", O_RDONLY) >= 0,
                       open("/dev/zero", O_RDWR) >= 0, open("/dev/full", O_RDONLY) >= 0);
                fflush(stdout);
                _exit(0);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
