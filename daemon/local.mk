# ctrd: the engine (libctrd-engine.a, no HTTP in it) and the program that wires
# the engine, the store and the API together.
noinst_LIBRARIES += daemon/libctrd-engine.a
daemon_libctrd_engine_a_SOURCES = \
	daemon/engine.c daemon/engine.h \
	daemon/hostinfo.c daemon/hostinfo.h \
	daemon/signals.c daemon/signals.h \
	daemon/shim-spawn.c daemon/shim-spawn.h \
	daemon/shim-watch.c daemon/shim-watch.h \
	daemon/containers.c daemon/containers.h daemon/container-internal.h \
	daemon/container-names.c daemon/container-names.h \
	daemon/container-create.c \
	daemon/container-files.c daemon/container-files.h \
	daemon/container-run.c \
	daemon/container-remove.c \
	daemon/container-render.c \
	daemon/container-logs.c daemon/container-logs.h \
	daemon/container-restart.c daemon/container-restart.h \
	daemon/events.c daemon/events.h \
	daemon/container-attach.c \
	daemon/container-exec.c daemon/container-exec.h
daemon_libctrd_engine_a_CFLAGS = $(AM_CFLAGS) $(UV_CFLAGS) $(JANSSON_CFLAGS) $(SQLITE_CFLAGS) \
	$(CRYPTO_CFLAGS)

sbin_PROGRAMS += daemon/ctrd
daemon_ctrd_SOURCES = daemon/main.c \
	daemon/listen.c daemon/listen.h \
	daemon/sd-notify.c daemon/sd-notify.h
daemon_ctrd_CFLAGS = $(AM_CFLAGS) $(UV_CFLAGS) $(MHD_CFLAGS) $(JANSSON_CFLAGS) $(SQLITE_CFLAGS)
# Neither libarchive nor libcurl: their users run in ctrd-image-worker (docs/image-worker.md).
ENGINE_LIBS = daemon/libctrd-engine.a store/libctrd-store.a lib/libctrd.a \
	$(UV_LIBS) $(JANSSON_LIBS) $(SQLITE_LIBS) $(CRYPTO_LIBS) $(MNL_LIBS)
daemon_ctrd_LDADD = api/libctrd-api.a $(ENGINE_LIBS) $(MHD_LIBS)

include $(top_srcdir)/daemon/images.mk
include $(top_srcdir)/daemon/ctr.mk
include $(top_srcdir)/daemon/container-ops.mk
include $(top_srcdir)/daemon/net.mk
include $(top_srcdir)/daemon/registry.mk
include $(top_srcdir)/daemon/worker/worker.mk
