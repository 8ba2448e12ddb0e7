# The registry client and pull (issue 8). The daemon keeps what needs no
# libcurl: credentials, manifest and platform parsing, and the jobs' prepare
# and record halves; the client (registry-client.c and the files it uses) is
# the image worker's (daemon/worker/worker.mk).
daemon_libctrd_engine_a_SOURCES += \
	daemon/registry-auth.c daemon/registry-auth.h \
	daemon/registry-manifest.c daemon/registry-manifest.h \
	daemon/registry-client.h \
	daemon/registry-job.c daemon/registry-job.h \
	daemon/registry-login.c daemon/registry-login.h \
	daemon/registry-distribution.c daemon/registry-distribution.h \
	daemon/image-pull.c daemon/image-pull.h \
	daemon/image-push.c daemon/image-push.h


INTEGRATION_TESTS += tests/integration/pull-basic.sh tests/integration/pull-fail.sh \
	tests/integration/pull-auth.sh tests/integration/pull-index.sh tests/integration/pull-perf.sh \
	tests/integration/pull-push.sh tests/integration/pull-token.sh
EXTRA_DIST += tests/integration/pull-lib.sh

REGISTRY_TEST_CFLAGS = $(TEST_UNIT_CFLAGS) $(JANSSON_CFLAGS) $(CURL_CFLAGS)
# The worker's library (daemon/worker/worker.mk) holds the registry client.
REGISTRY_TEST_LIBS = $(IMAGE_TEST_LIBS) $(CURL_LIBS)

UNIT_TESTS += tests/unit/test-registry-auth
tests_unit_test_registry_auth_SOURCES = tests/unit/test-registry-auth.c
tests_unit_test_registry_auth_CFLAGS = $(REGISTRY_TEST_CFLAGS)
tests_unit_test_registry_auth_LDADD = $(REGISTRY_TEST_LIBS)

UNIT_TESTS += tests/unit/test-registry-manifest
tests_unit_test_registry_manifest_SOURCES = tests/unit/test-registry-manifest.c
tests_unit_test_registry_manifest_CFLAGS = $(REGISTRY_TEST_CFLAGS)
tests_unit_test_registry_manifest_LDADD = $(REGISTRY_TEST_LIBS)

UNIT_TESTS += tests/unit/test-registry-client
tests_unit_test_registry_client_SOURCES = tests/unit/test-registry-client.c
tests_unit_test_registry_client_CFLAGS = $(REGISTRY_TEST_CFLAGS)
tests_unit_test_registry_client_LDADD = $(REGISTRY_TEST_LIBS)
