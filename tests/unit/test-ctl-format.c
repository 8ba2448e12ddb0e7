/* Unit tests for ctrctl's output helpers (client/format*.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "format.h"
#include "human-duration.h"

static void assert_duration(int64_t seconds, const char *want) {
        char buf[64];
        ctrd_human_duration(seconds, buf, sizeof(buf));
        assert_string_equal(buf, want);
}

static void test_human_duration(void **state) {
        assert_duration(0, "Less than a second");
        assert_duration(1, "1 second");
        assert_duration(14, "14 seconds");
        assert_duration(60, "About a minute");
        assert_duration(119, "About a minute");
        assert_duration(120, "2 minutes");
        assert_duration(3599, "59 minutes");
        assert_duration(3600, "About an hour");
        assert_duration(5400, "2 hours");       /* go-units rounds hours */
        assert_duration(47 * 3600, "47 hours");
        assert_duration(48 * 3600, "2 days");
        assert_duration(14 * 86400, "2 weeks");
        assert_duration(60 * 86400, "2 months");
        assert_duration(3 * 365 * 86400, "3 years");
}

static void test_sizes(void **state) {
        char buf[32];
        ctl_bytes_size(0, buf, sizeof(buf));
        assert_string_equal(buf, "0B");
        ctl_bytes_size(1536, buf, sizeof(buf));
        assert_string_equal(buf, "1.5KiB");
        ctl_bytes_size(25276059648.0, buf, sizeof(buf));
        assert_string_equal(buf, "23.54GiB");
        ctl_human_size(1984227, 3, buf, sizeof(buf));
        assert_string_equal(buf, "1.98MB");
        ctl_human_size(999, 3, buf, sizeof(buf));
        assert_string_equal(buf, "999B");
        ctl_human_size(1984227, 4, buf, sizeof(buf));
        assert_string_equal(buf, "1.984MB");
}

static void test_ellipsis(void **state) {
        char *s = ctl_ellipsis("sh -c 'while true; do :; done'", 20);
        assert_string_equal(s, "sh -c 'while true; \xe2\x80\xa6");
        free(s);
        s = ctl_ellipsis("short", 20);
        assert_string_equal(s, "short");
        free(s);
}

static char *render(const char *tmpl, const char *ctx_json, int *ret) {
        json_t *ctx = json_loads(ctx_json, 0, NULL);
        assert_non_null(ctx);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        struct ctrd_error err = { 0 };
        *ret = ctl_template_render(tmpl, ctx, f, &err);
        fclose(f);
        json_decref(ctx);
        return buf;
}

static void test_template(void **state) {
        const char *ctx = "{\"State\":{\"Status\":\"running\",\"Pid\":42},\"Config\":{\"Image\":"
                          "\"bb\",\"Cmd\":[\"sh\",\"-c\",\"x\"],\"Labels\":{\"k\":\"v\"}},"
                          "\"Tty\":false,\"N\":null}";
        int r;
        char *s = render("{{.State.Status}} {{.Config.Image}} {{.State.Pid}}", ctx, &r);
        assert_int_equal(r, 0);
        assert_string_equal(s, "running bb 42");
        free(s);
        s = render("{{json .Config.Cmd}}|{{.Config.Cmd}}|{{.Tty}}|{{.Nope}}|{{.N}}", ctx, &r);
        assert_string_equal(s, "[\"sh\",\"-c\",\"x\"]|[sh -c x]|false|<no value>|<nil>");
        free(s);
        s = render("{{index .Config.Labels \"k\"}} {{upper .State.Status}} {{ .Config.Labels }}",
                   ctx, &r);
        assert_string_equal(s, "v RUNNING map[k:v]");
        free(s);
        s = render("{{json .}}", "{\"a\":1,\"c\":\"x >&2 <y>\"}", &r);
        assert_string_equal(s, "{\"a\":1,\"c\":\"x >&2 <y>\"}");
        free(s);
        s = render("{{.A", "{}", &r);
        assert_int_equal(r, -EINVAL);
        free(s);
        s = render("{{bogus .A}}", "{}", &r);
        assert_int_equal(r, -EINVAL);
        free(s);
}

static void test_tabwriter(void **state) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        ctl_tabwrite("CONTAINER ID\tNAMES\nabc\tx\n", f, 10);
        fclose(f);
        assert_string_equal(buf, "CONTAINER ID   NAMES\nabc            x\n");
        free(buf);
}

static void test_format_table_and_json(void **state) {
        struct ctl_format fmt;
        struct ctrd_error err = { 0 };
        json_t *header = json_pack("{s:s, s:s}", "ID", "CONTAINER ID", "Names", "NAMES");
        json_t *row = json_pack("{s:s, s:s}", "ID", "0123456789ab", "Names", "web");
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        assert_int_equal(ctl_format_init(&fmt, "table {{.ID}}\\t{{.Names}}", NULL, &err), 0);
        assert_true(fmt.table);
        assert_int_equal(ctl_format_row(&fmt, header, &err), 0);
        assert_int_equal(ctl_format_row(&fmt, row, &err), 0);
        ctl_format_flush(&fmt, f, 10);
        ctl_format_done(&fmt);
        assert_int_equal(ctl_format_init(&fmt, "json", "table {{.ID}}", &err), 0);
        assert_false(fmt.table);
        assert_int_equal(ctl_format_row(&fmt, row, &err), 0);
        ctl_format_flush(&fmt, f, 10);
        ctl_format_done(&fmt);
        fclose(f);
        assert_string_equal(buf, "CONTAINER ID   NAMES\n0123456789ab   web\n"
                                 "{\"ID\":\"0123456789ab\",\"Names\":\"web\"}\n");
        free(buf);
        json_decref(header);
        json_decref(row);
}

static void assert_ports(const char *ports_json, const char *want) {
        json_t *ports = json_loads(ports_json, 0, NULL);
        assert_non_null(ports);
        char *s = ctl_ports_text(ports);
        assert_non_null(s);
        assert_string_equal(s, want);
        free(s);
        json_decref(ports);
}

static void test_ports(void **state) {
        assert_ports("[]", "");
        /* Mappings to another host port are listed after the groups, sorted by container port. */
        assert_ports("[{\"IP\":\"0.0.0.0\",\"PrivatePort\":83,\"PublicPort\":18083,\"Type\":\"tcp\"},"
                     "{\"IP\":\"127.0.0.1\",\"PrivatePort\":80,\"PublicPort\":18080,\"Type\":\"tcp\"}]",
                     "127.0.0.1:18080->80/tcp, 0.0.0.0:18083->83/tcp");
        /*
         * Same-number ports group into ranges per IP and protocol (unpublished ones too); a
         * gap closes a group at once, the open groups follow in the order they were opened.
         */
        assert_ports("[{\"IP\":\"0.0.0.0\",\"PrivatePort\":81,\"PublicPort\":81,\"Type\":\"tcp\"},"
                     "{\"IP\":\"0.0.0.0\",\"PrivatePort\":80,\"PublicPort\":80,\"Type\":\"tcp\"},"
                     "{\"IP\":\"::\",\"PrivatePort\":80,\"PublicPort\":80,\"Type\":\"tcp\"},"
                     "{\"PrivatePort\":53,\"Type\":\"udp\"},"
                     "{\"IP\":\"0.0.0.0\",\"PrivatePort\":90,\"PublicPort\":90,\"Type\":\"tcp\"},"
                     "{\"IP\":\"0.0.0.0\",\"PrivatePort\":443,\"PublicPort\":8443,\"Type\":\"tcp\"}]",
                     "0.0.0.0:80-81->80-81/tcp, 53/udp, 0.0.0.0:90->90/tcp, [::]:80->80/tcp, "
                     "0.0.0.0:8443->443/tcp");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_human_duration),
                cmocka_unit_test(test_sizes),
                cmocka_unit_test(test_ellipsis),
                cmocka_unit_test(test_template),
                cmocka_unit_test(test_tabwriter),
                cmocka_unit_test(test_ports),
                cmocka_unit_test(test_format_table_and_json),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
