# The registry client and pull (issue 8).
daemon_libctrd_engine_a_SOURCES += \
	daemon/registry-auth.c daemon/registry-auth.h \
	daemon/registry-manifest.c daemon/registry-manifest.h \
	daemon/registry-client.c daemon/registry-client.h \
	daemon/registry-layer.c daemon/registry-layer.h \
	daemon/registry-login.c daemon/registry-login.h \
	daemon/image-pull.c daemon/image-pull.h
daemon_libctrd_engine_a_CFLAGS += $(CURL_CFLAGS)


INTEGRATION_TESTS += tests/integration/pull-basic.sh tests/integration/pull-fail.sh \
	tests/integration/pull-auth.sh tests/integration/pull-index.sh
EXTRA_DIST += tests/integration/pull-lib.sh
