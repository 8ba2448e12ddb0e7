noinst_LIBRARIES += api/libctrd-api.a
api_libctrd_api_a_SOURCES =
api_libctrd_api_a_CFLAGS = $(AM_CFLAGS) $(UV_CFLAGS) $(MHD_CFLAGS) $(JANSSON_CFLAGS)
