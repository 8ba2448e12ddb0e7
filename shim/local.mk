# ctrd-shim and its runtime core (shim/runtime/: no libuv, MHD or SQLite).
noinst_LIBRARIES += shim/runtime/libctrd-runtime.a
shim_runtime_libctrd_runtime_a_SOURCES = shim/runtime/container.h
shim_runtime_libctrd_runtime_a_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(SECCOMP_CFLAGS) $(CAP_CFLAGS)

RUNTIME_LIBS = shim/runtime/libctrd-runtime.a lib/libctrd.a $(JANSSON_LIBS) $(SECCOMP_LIBS) $(CAP_LIBS)

pkglibexec_PROGRAMS += shim/ctrd-shim
shim_ctrd_shim_SOURCES = shim/main.c
shim_ctrd_shim_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
shim_ctrd_shim_LDADD = $(RUNTIME_LIBS)

include $(top_srcdir)/shim/runtime/cgroup.mk
include $(top_srcdir)/shim/monitor.mk
