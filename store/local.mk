noinst_LIBRARIES += store/libctrd-store.a
store_libctrd_store_a_SOURCES =
store_libctrd_store_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(JANSSON_CFLAGS)
