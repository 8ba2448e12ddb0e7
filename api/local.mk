# The HTTP API: libmicrohttpd in the libuv loop, routing, Docker-shaped rendering.
noinst_LIBRARIES += api/libctrd-api.a
api_libctrd_api_a_SOURCES = \
	api/api.h api/server-internal.h \
	api/server.c \
	api/request.c api/request.h \
	api/response.c \
	api/stream.c \
	api/router.c api/router.h \
	api/routes.c api/routes.h \
	api/handlers.h \
	api/handlers-system.c \
	api/handlers-ctrd.c \
	api/handlers-containers.c \
	api/handlers-containers-list.c \
	api/handlers-containers-logs.c \
	api/handlers-events.c \
	api/hijack.c api/hijack.h \
	api/handlers-attach.c \
	api/handlers-exec.c
api_libctrd_api_a_CFLAGS = $(AM_CFLAGS) $(UV_CFLAGS) $(MHD_CFLAGS) $(JANSSON_CFLAGS)

UNIT_TESTS += tests/unit/test-router
tests_unit_test_router_SOURCES = tests/unit/test-router.c api/router.c
tests_unit_test_router_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_test_router_LDADD = lib/libctrd.a $(TEST_UNIT_LIBS)
include $(top_srcdir)/api/images.mk
include $(top_srcdir)/api/containers-ops.mk
include $(top_srcdir)/api/pull.mk
include $(top_srcdir)/api/networks.mk
