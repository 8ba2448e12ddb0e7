# Image, layer and reference records (issue 4).
store_libctrd_store_a_SOURCES += store/images.c store/images.h

UNIT_TESTS += tests/unit/test-image-store
tests_unit_test_image_store_SOURCES = tests/unit/test-image-store.c
tests_unit_test_image_store_CFLAGS = $(TEST_UNIT_CFLAGS) $(SQLITE_CFLAGS)
tests_unit_test_image_store_LDADD = store/libctrd-store.a lib/libctrd.a $(SQLITE_LIBS) \
	$(TEST_UNIT_LIBS)
