/* Unit tests for daemon/image-config.c: import changes, config parsing, RFC 3339 times. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/image-config.h"

#define D "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static char *dump(json_t *j) {
        return json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
}

static void test_changes(void **state) {
        json_t *c = json_object();
        struct ctrd_error err = { 0 };
        static const char *const ok[] = {
                "CMD [\"/bin/sh\"]", "ENTRYPOINT echo hi", "ENV A=B", "ENV A=C", "ENV X y",
                "WORKDIR /w", "USER 1000", "LABEL k=v", "EXPOSE 80", "EXPOSE 53/udp",
                "VOLUME /data", "STOPSIGNAL SIGINT",
        };
        for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++)
                if (image_config_apply_change(c, ok[i], &err) < 0)
                        fail_msg("%s: %s", ok[i], err.msg);
        char *s = dump(c);
        assert_string_equal(s, "{\"Cmd\":[\"/bin/sh\"],\"Entrypoint\":[\"/bin/sh\",\"-c\",\"echo hi\"],"
                            "\"Env\":[\"A=C\",\"X=y\"],\"ExposedPorts\":{\"53/udp\":{},\"80/tcp\":{}},"
                            "\"Labels\":{\"k\":\"v\"},\"StopSignal\":\"SIGINT\",\"User\":\"1000\","
                            "\"Volumes\":{\"/data\":{}},\"WorkingDir\":\"/w\"}");
        free(s);
        assert_int_equal(image_config_apply_change(c, "RUN make", &err), -EINVAL);
        assert_string_equal(err.msg, "RUN is not a valid change command");
        assert_int_equal(image_config_apply_change(c, "CMD", &err), -EINVAL);
        assert_int_equal(image_config_apply_change(c, "CMD [1]", &err), -EINVAL);
        assert_int_equal(image_config_apply_change(c, "ENV =x", &err), -EINVAL);
        json_decref(c);
}

static void test_import_config_roundtrip(void **state) {
        struct timespec now = { 1795911432, 384656936 };
        char *const changes[] = { "CMD [\"/bin/sh\"]", NULL };
        char *text = NULL;
        struct ctrd_error err = { 0 };
        assert_int_equal(image_config_for_import(D, changes, "Imported from -", &now, &text, &err), 0);
        assert_non_null(strstr(text, "\"created\":\"2026-11-29T00:17:12.384656936Z\""));
        struct image_config cfg;
        assert_int_equal(image_config_parse(text, strlen(text), &cfg, &err), 0);
        assert_int_equal(cfg.n_layers, 1);
        assert_string_equal(cfg.diff_ids[0], D);
        assert_int_equal(cfg.created, 1795911432);
        image_config_clear(&cfg);
        free(text);
}

static void test_parse_rejects(void **state) {
        struct image_config cfg;
        struct ctrd_error err = { 0 };
        static const char *const bad[] = {
                "not json", "[]", "{}", "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}",
                "{\"rootfs\":{\"type\":\"other\",\"diff_ids\":[\"" D "\"]}}",
                "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:abc\"]}}",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
                if (image_config_parse(bad[i], strlen(bad[i]), &cfg, &err) != -EINVAL)
                        fail_msg("accepted %s", bad[i]);
}

static void test_times(void **state) {
        int64_t t = 0;
        assert_int_equal(image_parse_time("2026-11-29T00:17:12.384656936Z", &t), 0);
        assert_int_equal(t, 1795911432);
        assert_int_equal(image_parse_time("2026-11-29T01:17:12+01:00", &t), 0);
        assert_int_equal(t, 1795911432);
        assert_int_equal(image_parse_time("2026-11-29", &t), -EINVAL);
        assert_int_equal(image_parse_time(NULL, &t), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_changes),
                cmocka_unit_test(test_import_config_roundtrip),
                cmocka_unit_test(test_parse_rejects),
                cmocka_unit_test(test_times),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
