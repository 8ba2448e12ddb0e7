/*
 * cgroup-probe: drives the rt_cgroup API from the cgroup integration tests,
 * one step per invocation (the cgroup outlives each run; later steps reopen it
 * with rt_cgroup_open):
 *
 *   cgroup-probe detect ROOT                       prints "v1" or "v2"
 *   cgroup-probe create ROOT PATH [KEY=VALUE...]   memory reservation swap shares
 *                                                  quota period cpus mems pids
 *   cgroup-probe enter ROOT PATH PID
 *   cgroup-probe freeze ROOT PATH 1|0
 *   cgroup-probe oom ROOT PATH                     runs a memory hog inside, prints
 *                                                  "signal=N readable=0|1 kills=N"
 *   cgroup-probe stats ROOT PATH                   prints "memory=N cpu_ns=N pids=N"
 *   cgroup-probe destroy ROOT PATH
 *
 * Failures print the rt_cgroup error message and exit 1.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shim/runtime/cgroup.h"
#include "string-util.h"

#define HOG_BYTES (512L << 20)

static int die(const struct ctrd_error *err) {
        fprintf(stderr, "cgroup-probe: %s\n", err->msg);
        return 1;
}

static int parse_res(char **kv, int n, struct rt_cgroup_resources *res) {
        for (int i = 0; i < n; i++) {
                char *eq = strchr(kv[i], '=');
                int64_t v = 0;
                if (!eq)
                        return -EINVAL;
                *eq = '\0';
                const char *key = kv[i], *val = eq + 1;
                if (strcmp(key, "cpus") == 0)
                        res->cpuset_cpus = val;
                else if (strcmp(key, "mems") == 0)
                        res->cpuset_mems = val;
                else if (ctrd_parse_int64(val, -1, INT64_MAX, &v) < 0)
                        return -EINVAL;
                else if (strcmp(key, "memory") == 0)
                        res->memory_limit = v;
                else if (strcmp(key, "reservation") == 0)
                        res->memory_reservation = v;
                else if (strcmp(key, "swap") == 0)
                        res->memory_swap = v;
                else if (strcmp(key, "shares") == 0)
                        res->cpu_shares = (uint64_t) v;
                else if (strcmp(key, "quota") == 0)
                        res->cpu_quota = v;
                else if (strcmp(key, "period") == 0)
                        res->cpu_period = (uint64_t) v;
                else if (strcmp(key, "pids") == 0)
                        res->pids_limit = v;
                else
                        return -EINVAL;
        }
        return 0;
}

/* A child that waits to be moved into the cgroup, then touches memory until killed. */
static pid_t spawn_hog(int *go) {
        int p[2];
        if (pipe(p) < 0)
                return -1;
        pid_t pid = fork();
        if (pid == 0) {
                char c;
                close(p[1]);
                if (read(p[0], &c, 1) != 1)
                        _exit(2);
                for (long off = 0; off < HOG_BYTES; off += 1 << 20) {
                        char *m = malloc(1 << 20);
                        if (!m)
                                _exit(3);
                        memset(m, 1, 1 << 20);
                }
                _exit(0);
        }
        close(p[0]);
        *go = p[1];
        return pid;
}

static int run_oom(struct rt_cgroup *cg, struct ctrd_error *err) {
        uint64_t kills = 0;
        int go = -1, status = 0;
        int fd = rt_cgroup_oom_fd(cg, err);
        if (fd < 0)
                return die(err);
        pid_t pid = spawn_hog(&go);
        if (pid < 0) {
                perror("cgroup-probe: fork");
                return 1;
        }
        if (rt_cgroup_enter(cg, pid, err) < 0) {
                kill(pid, SIGKILL);
                waitpid(pid, NULL, 0);
                return die(err);
        }
        if (write(go, "x", 1) != 1 || waitpid(pid, &status, 0) != pid) {
                perror("cgroup-probe: starting the hog");
                return 1;
        }
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int readable = poll(&pfd, 1, 5000) == 1;
        if (rt_cgroup_oom_drain(cg) < 0 || rt_cgroup_oom_kills(cg, &kills, err) < 0)
                return die(err);
        printf("signal=%d readable=%d kills=%" PRIu64 "\n",
               WIFSIGNALED(status) ? WTERMSIG(status) : 0, readable, kills);
        return 0;
}

static int step(const char *cmd, struct rt_cgroup *cg, char **argv, int argc,
                struct ctrd_error *err) {
        int64_t v = 0;
        if (strcmp(cmd, "enter") == 0 && argc == 1 && ctrd_parse_int64(argv[0], 1, INT32_MAX, &v) == 0)
                return rt_cgroup_enter(cg, (pid_t) v, err) < 0 ? die(err) : 0;
        if (strcmp(cmd, "freeze") == 0 && argc == 1)
                return rt_cgroup_freeze(cg, strcmp(argv[0], "1") == 0, err) < 0 ? die(err) : 0;
        if (strcmp(cmd, "oom") == 0 && argc == 0)
                return run_oom(cg, err);
        if (strcmp(cmd, "stats") == 0 && argc == 0) {
                struct rt_cgroup_stats st;
                if (rt_cgroup_stats(cg, &st, err) < 0)
                        return die(err);
                printf("memory=%" PRIu64 " cpu_ns=%" PRIu64 " pids=%" PRIu64 "\n",
                       st.memory_usage, st.cpu_usage_ns, st.pids_current);
                return 0;
        }
        if (strcmp(cmd, "destroy") == 0 && argc == 0)
                return rt_cgroup_destroy(cg, err) < 0 ? die(err) : 0;
        fprintf(stderr, "cgroup-probe: bad arguments for '%s'\n", cmd);
        return 2;
}

int main(int argc, char **argv) {
        struct ctrd_error err = { 0 };
        struct rt_cgroup *cg = NULL;

        if (argc == 3 && strcmp(argv[1], "detect") == 0) {
                enum rt_cgroup_mode mode;
                if (rt_cgroup_detect(argv[2], &mode, &err) < 0)
                        return die(&err);
                puts(mode == RT_CGROUP_V2 ? "v2" : "v1");
                return 0;
        }
        if (argc < 4) {
                fprintf(stderr, "usage: cgroup-probe detect|create|enter|freeze|oom|stats|destroy "
                        "ROOT [PATH ARGS...]\n");
                return 2;
        }
        if (strcmp(argv[1], "create") == 0) {
                struct rt_cgroup_resources res = RT_CGROUP_RESOURCES_INIT;
                if (parse_res(argv + 4, argc - 4, &res) < 0) {
                        fprintf(stderr, "cgroup-probe: bad KEY=VALUE\n");
                        return 2;
                }
                if (rt_cgroup_create(argv[2], argv[3], &res, &cg, &err) < 0)
                        return die(&err);
                rt_cgroup_free(cg);
                return 0;
        }
        if (rt_cgroup_open(argv[2], argv[3], &cg, &err) < 0)
                return die(&err);
        int r = step(argv[1], cg, argv + 4, argc - 4, &err);
        rt_cgroup_free(cg);
        return r;
}
