# ctrd-shim and its runtime core (shim/runtime/: no libuv, MHD or SQLite).
noinst_LIBRARIES += shim/runtime/libctrd-runtime.a
shim_runtime_libctrd_runtime_a_SOURCES = shim/runtime/container.h \
	shim/runtime/spec.c shim/runtime/spec.h shim/runtime/spec-internal.h \
	shim/runtime/spec-linux.c shim/runtime/spec-seccomp.c shim/runtime/spec-free.c \
	shim/runtime/spec-json.c shim/runtime/spec-json.h \
	shim/runtime/names.h shim/runtime/caps-table.c shim/runtime/rlimit-table.c \
	shim/runtime/seccomp-table.c shim/runtime/mount-opts.c \
	shim/runtime/resolve.c shim/runtime/resolve.h \
	shim/runtime/sync.c shim/runtime/sync.h \
	shim/runtime/namespaces.c shim/runtime/namespaces.h \
	shim/runtime/container.c \
	shim/runtime/child.c shim/runtime/child.h \
	shim/runtime/rootfs.c shim/runtime/mounts.c shim/runtime/mount-cgroup.c \
	shim/runtime/devices.c shim/runtime/process.c shim/runtime/caps.c \
	shim/runtime/seccomp.c shim/runtime/seccomp.h \
	shim/runtime/exec.c shim/runtime/tty-relay.c shim/runtime/tty-relay.h
shim_runtime_libctrd_runtime_a_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(SECCOMP_CFLAGS) $(CAP_CFLAGS)

RUNTIME_LIBS = shim/runtime/libctrd-runtime.a shim/runtime/libctrd-cgroup.a lib/libctrd.a $(JANSSON_LIBS) $(SECCOMP_LIBS) $(CAP_LIBS)

pkglibexec_PROGRAMS += shim/ctrd-shim
shim_ctrd_shim_SOURCES = shim/main.c
shim_ctrd_shim_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
shim_ctrd_shim_LDADD = $(RUNTIME_LIBS)

UNIT_TESTS += tests/unit/test-rt-spec tests/unit/test-rt-names tests/unit/test-rt-resolve \
	tests/unit/test-rt-sync
tests_unit_test_rt_spec_SOURCES = tests/unit/test-rt-spec.c
tests_unit_test_rt_spec_CFLAGS = $(TEST_UNIT_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_test_rt_spec_LDADD = $(RUNTIME_LIBS) $(TEST_UNIT_LIBS)
tests_unit_test_rt_names_SOURCES = tests/unit/test-rt-names.c
tests_unit_test_rt_names_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_test_rt_names_LDADD = $(RUNTIME_LIBS) $(TEST_UNIT_LIBS)
tests_unit_test_rt_resolve_SOURCES = tests/unit/test-rt-resolve.c
tests_unit_test_rt_resolve_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_test_rt_resolve_LDADD = $(RUNTIME_LIBS) $(TEST_UNIT_LIBS)
tests_unit_test_rt_sync_SOURCES = tests/unit/test-rt-sync.c
tests_unit_test_rt_sync_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_test_rt_sync_LDADD = $(RUNTIME_LIBS) $(TEST_UNIT_LIBS)

INTEGRATION_TESTS += tests/integration/shim-exit.sh tests/integration/shim-vs-runc.sh \
	tests/integration/shim-hostile.sh tests/integration/shim-cgroups.sh \
	tests/integration/shim-isolation.sh
EXTRA_DIST += tests/helpers/mkbundle.sh tests/integration/shim-lib.sh

include $(top_srcdir)/shim/runtime/cgroup.mk
include $(top_srcdir)/shim/runtime/seccomp.mk
include $(top_srcdir)/shim/monitor.mk
include $(top_srcdir)/shim/exec.mk
