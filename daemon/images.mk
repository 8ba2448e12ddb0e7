# The image and layer store (issue 4): digests, references, layer extraction,
# storage drivers and the image service. Pure parts are unit-tested below.
daemon_libctrd_engine_a_SOURCES += \
	daemon/digest.c daemon/digest.h \
	daemon/image-ref.c daemon/image-ref.h \
	daemon/layer-path.c daemon/layer-path.h \
	daemon/layer-whiteout.c daemon/layer-whiteout.h \
	daemon/layer-fs.c daemon/layer-fs.h \
	daemon/layer-store.c daemon/layer-store.h \
	daemon/graphdriver.c daemon/graphdriver.h \
	daemon/graphdriver-overlay.c daemon/graphdriver-copy.c \
	daemon/image-config.c daemon/image-config.h \
	daemon/image-new.c daemon/image-new.h \
	daemon/image-worker.c daemon/image-worker.h \
	daemon/image-service.c daemon/image-service.h \
	daemon/image-remove.c \
	daemon/image-import.c daemon/image-import.h \
	daemon/image-load.c daemon/image-load.h \
	daemon/image-save.c daemon/image-save.h

IMAGE_TEST_CFLAGS = $(TEST_UNIT_CFLAGS) $(CRYPTO_CFLAGS) $(ARCHIVE_CFLAGS) $(JANSSON_CFLAGS)
IMAGE_TEST_LIBS = daemon/worker/libctrd-imagework.a daemon/libctrd-engine.a \
	store/libctrd-store.a lib/libctrd.a $(ARCHIVE_LIBS) \
	$(CRYPTO_LIBS) $(JANSSON_LIBS) $(SQLITE_LIBS) $(UV_LIBS) \
	$(TEST_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-image-digest
tests_unit_test_image_digest_SOURCES = tests/unit/test-image-digest.c
tests_unit_test_image_digest_CFLAGS = $(IMAGE_TEST_CFLAGS)
tests_unit_test_image_digest_LDADD = $(IMAGE_TEST_LIBS)

UNIT_TESTS += tests/unit/test-image-ref
tests_unit_test_image_ref_SOURCES = tests/unit/test-image-ref.c
tests_unit_test_image_ref_CFLAGS = $(IMAGE_TEST_CFLAGS)
tests_unit_test_image_ref_LDADD = $(IMAGE_TEST_LIBS)

UNIT_TESTS += tests/unit/test-image-layerpath
tests_unit_test_image_layerpath_SOURCES = tests/unit/test-image-layerpath.c
tests_unit_test_image_layerpath_CFLAGS = $(IMAGE_TEST_CFLAGS)
tests_unit_test_image_layerpath_LDADD = $(IMAGE_TEST_LIBS)

UNIT_TESTS += tests/unit/test-image-extract
tests_unit_test_image_extract_SOURCES = tests/unit/test-image-extract.c
tests_unit_test_image_extract_CFLAGS = $(IMAGE_TEST_CFLAGS) $(SECCOMP_CFLAGS)
tests_unit_test_image_extract_LDADD = $(IMAGE_TEST_LIBS) $(SECCOMP_LIBS)

UNIT_TESTS += tests/unit/test-image-graphdriver
tests_unit_test_image_graphdriver_SOURCES = tests/unit/test-image-graphdriver.c
tests_unit_test_image_graphdriver_CFLAGS = $(IMAGE_TEST_CFLAGS) $(SECCOMP_CFLAGS)
tests_unit_test_image_graphdriver_LDADD = $(IMAGE_TEST_LIBS) $(SECCOMP_LIBS)

UNIT_TESTS += tests/unit/test-image-config
tests_unit_test_image_config_SOURCES = tests/unit/test-image-config.c
tests_unit_test_image_config_CFLAGS = $(IMAGE_TEST_CFLAGS)
tests_unit_test_image_config_LDADD = $(IMAGE_TEST_LIBS)

INTEGRATION_TESTS += tests/integration/images-basic.sh tests/integration/images-hostile.sh \
	tests/integration/images-oci.sh tests/integration/images-many.sh
EXTRA_DIST += tests/helpers/mkbusybox-tar.sh tests/helpers/mkimage-docker.sh
