/*
 * The handover's command line (monitor-args.c): what `ctrd-shim daemon`
 * builds is what ctrd-shim-monitor parses back, field for field; a monitor
 * run by hand, or with a contradictory set of fds, is refused; the daemon's
 * own parser knows none of the handover's options.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "monitor-args.h"

static size_t count(char **argv) {
        size_t n = 0;
        while (argv[n])
                n++;
        return n;
}

/* Four real fds (the parser checks that they exist): [0], [1] of two pipes. */
static void open_fds(int fds[4]) {
        assert_int_equal(pipe(fds), 0);
        assert_int_equal(pipe(fds + 2), 0);
}

static void close_fds(const int fds[4]) {
        for (int i = 0; i < 4; i++)
                close(fds[i]);
}

static void round_trip_pipes(void **state) {
        int fds[4];
        open_fds(fds);
        struct shim_handover h = {
                .d = { .bundle = "/b", .id = "c1", .run_dir = "/run/c1", .log_path = "/log/c1.json",
                       .log_max_size = 1048576, .log_max_files = 3, .cgroup_root = "/sys/fs/cgroup",
                       .open_stdin = true, .sync_fd = fds[3], .n_attach = 1 },
                .shim = "/usr/libexec/ctrd/ctrd-shim", .pid = 4242,
                .stdio = { .out = fds[0], .err = fds[2], .in = fds[1], .pty = -1 },
                .oom_fd = fds[3], .cgroup_path = "/ctrd/c1", .cgroup_v2 = true,
        };
        h.d.attach[0].fd = fds[1];
        h.d.attach[0].opts = (struct shim_attach_opts) { .in = true, .err = true, .stdin_once = true };

        char **argv = shim_handover_argv(&h, "/usr/libexec/ctrd/ctrd-shim-monitor");
        assert_non_null(argv);
        assert_string_equal(argv[0], "/usr/libexec/ctrd/ctrd-shim-monitor");
        assert_string_equal(argv[1], "--id");   /* the id early in the command line, for ps */
        struct shim_handover got;
        struct ctrd_error err = { 0 };
        assert_int_equal(shim_handover_parse((int) count(argv), argv, &got, &err), 0);

        assert_string_equal(got.d.bundle, "/b");
        assert_string_equal(got.d.id, "c1");
        assert_string_equal(got.d.run_dir, "/run/c1");
        assert_string_equal(got.d.log_path, "/log/c1.json");
        assert_int_equal(got.d.log_max_size, 1048576);
        assert_int_equal(got.d.log_max_files, 3);
        assert_true(got.d.open_stdin);
        assert_int_equal(got.d.sync_fd, fds[3]);
        assert_int_equal(got.d.n_attach, 1);
        assert_int_equal(got.d.attach[0].fd, fds[1]);
        assert_true(got.d.attach[0].opts.in && !got.d.attach[0].opts.out && got.d.attach[0].opts.err);
        assert_string_equal(got.shim, "/usr/libexec/ctrd/ctrd-shim");
        assert_int_equal(got.pid, 4242);
        assert_int_equal(got.stdio.out, fds[0]);
        assert_int_equal(got.stdio.err, fds[2]);
        assert_int_equal(got.stdio.in, fds[1]);
        assert_int_equal(got.stdio.pty, -1);
        assert_int_equal(got.oom_fd, fds[3]);
        assert_string_equal(got.d.cgroup_root, "/sys/fs/cgroup");
        assert_string_equal(got.cgroup_path, "/ctrd/c1");
        assert_true(got.cgroup_v2);
        free(argv);
        close_fds(fds);
}

static void round_trip_pty_without_cgroup(void **state) {
        int fds[4];
        open_fds(fds);
        struct shim_handover h = {
                .d = { .bundle = "/b", .id = "c2", .run_dir = "/r", .sync_fd = -1, .log_max_files = 1 },
                .shim = "/s", .pid = 7, .stdio = { .out = -1, .err = -1, .in = -1, .pty = fds[0] },
                .oom_fd = -1,
        };
        char **argv = shim_handover_argv(&h, "m");
        struct shim_handover got;
        assert_int_equal(shim_handover_parse((int) count(argv), argv, &got, NULL), 0);
        assert_int_equal(got.stdio.pty, fds[0]);
        assert_int_equal(got.stdio.out, -1);
        assert_int_equal(got.d.sync_fd, -1);
        assert_int_equal(got.oom_fd, -1);
        assert_null(got.d.log_path);
        assert_null(got.cgroup_path);
        assert_null(got.d.cgroup_root);
        assert_false(got.d.open_stdin);
        assert_int_equal(got.d.n_attach, 0);
        free(argv);
        close_fds(fds);
}

static int parse(struct ctrd_error *err, ...) {
        char *argv[32];
        int argc = 0;
        va_list ap;
        va_start(ap, err);
        for (char *a; (a = va_arg(ap, char *)); )
                argv[argc++] = a;
        va_end(ap);
        argv[argc] = NULL;
        struct shim_handover h;
        return shim_handover_parse(argc, argv, &h, err);
}

static void refusals(void **state) {
        struct ctrd_error err = { 0 };
        int fds[4];
        char out[16], err_fd[16], pty[16], closed[16];
        open_fds(fds);
        snprintf(out, sizeof(out), "%d", fds[0]);
        snprintf(err_fd, sizeof(err_fd), "%d", fds[2]);
        snprintf(pty, sizeof(pty), "%d", fds[1]);
        snprintf(closed, sizeof(closed), "%d", 1000);

        /* By hand: the daemon's options alone. */
        assert_int_equal(parse(&err, "m", "--bundle", "/b", "--id", "x", "--run-dir", "/r", NULL), -EINVAL);
        assert_non_null(strstr(err.msg, "by hand"));
        /* No stdio, both kinds, and an fd that is not open. */
        assert_int_equal(parse(&err, "m", "--bundle", "/b", "--id", "x", "--run-dir", "/r", "--shim", "/s",
                               "--pid", "9", NULL), -EINVAL);
        assert_int_equal(parse(&err, "m", "--bundle", "/b", "--id", "x", "--run-dir", "/r", "--shim", "/s",
                               "--pid", "9", "--stdout-fd", out, "--stderr-fd", err_fd, "--pty-fd", pty, NULL),
                         -EINVAL);
        assert_int_equal(parse(&err, "m", "--bundle", "/b", "--id", "x", "--run-dir", "/r", "--shim", "/s",
                               "--pid", "9", "--pty-fd", closed, NULL), -EBADF);
        assert_int_equal(parse(&err, "m", "--bundle", "/b", "--id", "x", "--run-dir", "/r", "--shim", "/s",
                               "--pid", "1", "--pty-fd", pty, NULL), -EINVAL);
        assert_int_equal(parse(&err, "m", "--bundle", "/b", "--id", "x", "--run-dir", "/r", "--shim", "/s",
                               "--pid", "9", "--pty-fd", pty, "--cgroup-mode", "v3", NULL), -EINVAL);
        assert_int_equal(parse(&err, "m", "--bundle", "/b", "--id", "x", "--run-dir", "/r", "--shim", "/s",
                               "--pid", "9", "--pty-fd", pty, NULL), 0);

        /* The daemon's parser takes no handover option, but --seccomp-cache. */
        struct shim_daemon_args a;
        char *daemon[] = { "daemon", "--bundle", "/b", "--id", "x", "--run-dir", "/r", "--pid", "9", NULL };
        assert_int_equal(shim_daemon_args_parse(9, daemon, &a, &err), -EINVAL);
        char *cache[] = { "daemon", "--bundle", "/b", "--id", "x", "--run-dir", "/r", "--seccomp-cache", "/c", NULL };
        assert_int_equal(shim_daemon_args_parse(9, cache, &a, &err), 0);
        assert_string_equal(a.seccomp_cache, "/c");
        close_fds(fds);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(round_trip_pipes),
                cmocka_unit_test(round_trip_pty_without_cgroup),
                cmocka_unit_test(refusals),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
