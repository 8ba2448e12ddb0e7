noinst_LIBRARIES += store/libctrd-store.a
store_libctrd_store_a_SOURCES = \
	store/store.c store/store.h store/store-internal.h \
	store/migrations.c \
	store/meta.c \
	store/containers.c store/containers.h
store_libctrd_store_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(JANSSON_CFLAGS)

UNIT_TESTS += tests/unit/test-store
tests_unit_test_store_SOURCES = tests/unit/test-store.c
tests_unit_test_store_CFLAGS = $(TEST_UNIT_CFLAGS) $(SQLITE_CFLAGS)
tests_unit_test_store_LDADD = store/libctrd-store.a lib/libctrd.a $(SQLITE_LIBS) $(TEST_UNIT_LIBS)
include $(top_srcdir)/store/images.mk
include $(top_srcdir)/store/networks.mk
