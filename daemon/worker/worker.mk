# ctrd-image-worker (docs/image-worker.md): the image jobs that need libarchive
# or libcurl, one process per job, so the daemon maps neither.
noinst_LIBRARIES += daemon/worker/libctrd-imagework.a
daemon_worker_libctrd_imagework_a_SOURCES = \
	daemon/layer-unpack.c daemon/layer-unpack.h \
	daemon/layer-extract.c daemon/layer-extract.h \
	daemon/registry-client.c daemon/registry-internal.h \
	daemon/registry-http.c daemon/registry-token.c \
	daemon/registry-layer.c daemon/registry-layer.h \
	daemon/registry-upload.c daemon/registry-upload.h \
	daemon/worker/registry.c daemon/worker/registry.h \
	daemon/worker/pull.c daemon/worker/push.c \
	daemon/worker/login.c daemon/worker/distribution.c \
	daemon/layer-store-unpack.c \
	daemon/worker/worker.h daemon/worker/output.c daemon/worker/request.c \
	daemon/worker/import.c \
	daemon/worker/load.c daemon/worker/save.c
daemon_worker_libctrd_imagework_a_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(ARCHIVE_CFLAGS) \
	$(CRYPTO_CFLAGS) $(CURL_CFLAGS)

pkglibexec_PROGRAMS += daemon/worker/ctrd-image-worker
daemon_worker_ctrd_image_worker_SOURCES = daemon/worker/main.c
daemon_worker_ctrd_image_worker_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
IMAGEWORK_LIBS = daemon/worker/libctrd-imagework.a daemon/libctrd-engine.a lib/libctrd.a \
	$(JANSSON_LIBS) $(ARCHIVE_LIBS) $(CRYPTO_LIBS) $(CURL_LIBS) -lpthread
daemon_worker_ctrd_image_worker_LDADD = $(IMAGEWORK_LIBS)

INTEGRATION_TESTS += tests/integration/image-worker.sh

UNIT_TESTS += tests/unit/test-image-new
tests_unit_test_image_new_SOURCES = tests/unit/test-image-new.c
tests_unit_test_image_new_CFLAGS = $(TEST_UNIT_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_test_image_new_LDADD = daemon/libctrd-engine.a lib/libctrd.a $(JANSSON_LIBS) $(CRYPTO_LIBS) \
	$(TEST_UNIT_LIBS)
