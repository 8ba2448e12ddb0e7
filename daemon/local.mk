# ctrd: the engine (libctrd-engine.a, no HTTP in it) and the program that wires
# the engine, the store and the API together.
noinst_LIBRARIES += daemon/libctrd-engine.a
daemon_libctrd_engine_a_SOURCES = \
	daemon/engine.c daemon/engine.h \
	daemon/hostinfo.c daemon/hostinfo.h
daemon_libctrd_engine_a_CFLAGS = $(AM_CFLAGS) $(UV_CFLAGS) $(JANSSON_CFLAGS) $(SQLITE_CFLAGS) \
	$(ARCHIVE_CFLAGS) $(CRYPTO_CFLAGS)

sbin_PROGRAMS += daemon/ctrd
daemon_ctrd_SOURCES = daemon/main.c \
	daemon/listen.c daemon/listen.h \
	daemon/sd-notify.c daemon/sd-notify.h
daemon_ctrd_CFLAGS = $(AM_CFLAGS) $(UV_CFLAGS) $(MHD_CFLAGS) $(JANSSON_CFLAGS) $(SQLITE_CFLAGS)
ENGINE_LIBS = daemon/libctrd-engine.a store/libctrd-store.a lib/libctrd.a \
	$(UV_LIBS) $(JANSSON_LIBS) $(SQLITE_LIBS) $(ARCHIVE_LIBS) $(CRYPTO_LIBS)
daemon_ctrd_LDADD = api/libctrd-api.a $(ENGINE_LIBS) $(MHD_LIBS)

include $(top_srcdir)/daemon/images.mk
include $(top_srcdir)/daemon/ctr.mk
