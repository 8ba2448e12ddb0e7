/* Unit tests for daemon/registry-manifest.c: manifests, indexes, platform choice. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/registry-manifest.h"

#define DA "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define DB "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define DC "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

static const char schema2[] =
        "{\"schemaVersion\":2,\"mediaType\":\"" REGISTRY_MT_DOCKER_MANIFEST "\","
        "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":7,"
        "\"digest\":\"" DA "\"},\"layers\":["
        "{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":100,\"digest\":\"" DB "\"},"
        "{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":200,\"digest\":\"" DC "\"}]}";

/* An OCI manifest need not carry its own mediaType: the Content-Type decides. */
static const char oci[] =
        "{\"schemaVersion\":2,\"config\":{\"size\":7,\"digest\":\"" DA "\"},"
        "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+zstd\",\"size\":5,"
        "\"digest\":\"" DB "\"}]}";

static const char index_doc[] =
        "{\"schemaVersion\":2,\"mediaType\":\"" REGISTRY_MT_OCI_INDEX "\",\"manifests\":["
        "{\"digest\":\"" DA "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v6\"}},"
        "{\"digest\":\"" DB "\",\"size\":2,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\"}},"
        "{\"digest\":\"" DC "\",\"size\":3,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
        "{\"digest\":\"" DA "\",\"size\":4,\"platform\":{\"os\":\"windows\",\"architecture\":\"amd64\"}}]}";

static void test_schema2(void **state) {
        struct registry_manifest m;
        struct registry_platform p;
        struct ctrd_error err = { 0 };
        assert_int_equal(registry_platform_parse(NULL, &p, &err), 0);
        assert_int_equal(registry_manifest_parse(schema2, strlen(schema2), NULL, &p, &m, &err), 0);
        assert_false(m.is_index);
        assert_string_equal(m.config.digest, DA);
        assert_int_equal(m.config.size, 7);
        assert_int_equal(m.n_layers, 2);
        assert_string_equal(m.layers[1].digest, DC);
        assert_int_equal(m.layers[1].size, 200);
        registry_manifest_clear(&m);
        assert_int_equal(registry_manifest_parse(oci, strlen(oci), REGISTRY_MT_OCI_MANIFEST, &p, &m, &err), 0);
        assert_int_equal(m.n_layers, 1);
        assert_string_equal(m.layers[0].media_type, "application/vnd.oci.image.layer.v1.tar+zstd");
        registry_manifest_clear(&m);
}

static void test_index(void **state) {
        struct registry_manifest m;
        struct registry_platform p;
        struct ctrd_error err = { 0 };
        struct { const char *spec, *digest; int64_t size; } cases[] = {
                { "linux/amd64", DC, 3 },
                { "linux/arm/v7", DB, 2 },
                { "linux/arm/v6", DA, 1 },
                { "linux/arm", DA, 1 },         /* no variant asked: the first arm entry */
                { "windows/amd64", DA, 4 },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
                assert_int_equal(registry_platform_parse(cases[i].spec, &p, &err), 0);
                assert_int_equal(registry_manifest_parse(index_doc, strlen(index_doc), NULL, &p, &m, &err), 0);
                assert_true(m.is_index);
                assert_string_equal(m.chosen.digest, cases[i].digest);
                assert_int_equal(m.chosen.size, cases[i].size);
                registry_manifest_clear(&m);
        }
        assert_int_equal(registry_platform_parse("linux/s390x", &p, &err), 0);
        assert_int_equal(registry_manifest_parse(index_doc, strlen(index_doc), NULL, &p, &m, &err), -ENOENT);
        assert_non_null(strstr(err.msg, "no matching manifest for linux/s390x"));
}

static void test_platform(void **state) {
        struct registry_platform p;
        struct ctrd_error err = { 0 };
        assert_int_equal(registry_platform_parse("linux/arm64/v8", &p, &err), 0);
        assert_string_equal(p.os, "linux");
        assert_string_equal(p.arch, "arm64");
        assert_string_equal(p.variant, "v8");
        assert_int_equal(registry_platform_parse("", &p, &err), 0);
        assert_string_equal(p.os, "linux");
        assert_true(strlen(p.arch) > 0);
        assert_int_equal(registry_platform_parse("linux//v7", &p, &err), -EINVAL);
        assert_int_equal(registry_platform_parse("linux/arm/v7/extra", &p, &err), -EINVAL);
        assert_int_equal(registry_platform_parse("/amd64", &p, &err), -EINVAL);
}

static void test_bad(void **state) {
        struct registry_manifest m;
        struct registry_platform p;
        struct ctrd_error err = { 0 };
        static const char *const bad[] = {
                "not json",
                "{\"schemaVersion\":1,\"fsLayers\":[]}",
                "{\"schemaVersion\":2,\"config\":{\"size\":1,\"digest\":\"sha256:xyz\"},\"layers\":[]}",
                "{\"schemaVersion\":2,\"config\":{\"size\":1,\"digest\":\"" DA "\"},\"layers\":[]}",
                "{\"schemaVersion\":2,\"config\":{\"size\":-1,\"digest\":\"" DA "\"},\"layers\":[{}]}",
                "{\"schemaVersion\":2,\"config\":{\"size\":1,\"digest\":\"" DA "\"},"
                "\"layers\":[{\"size\":1,\"digest\":\"" DB "\"},{\"size\":\"1\",\"digest\":\"" DB "\"}]}",
                "{\"schemaVersion\":2,\"mediaType\":\"" REGISTRY_MT_DOCKER_LIST "\",\"manifests\":{}}",
        };
        assert_int_equal(registry_platform_parse(NULL, &p, &err), 0);
        for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
                if (registry_manifest_parse(bad[i], strlen(bad[i]), NULL, &p, &m, &err) >= 0)
                        fail_msg("accepted: %s", bad[i]);
                assert_null(m.layers);
        }
        assert_int_equal(registry_manifest_parse(bad[1], strlen(bad[1]), NULL, &p, &m, &err), -ENOTSUP);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_schema2),
                cmocka_unit_test(test_index),
                cmocka_unit_test(test_platform),
                cmocka_unit_test(test_bad),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
