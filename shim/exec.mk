# Exec: processes started in a running container (runtime and monitor sides),
# a test client for the exec requests, and their tests.
shim_runtime_libctrd_runtime_a_SOURCES += shim/runtime/exec-internal.h \
	shim/runtime/exec-spec.c shim/runtime/exec-parent.c shim/runtime/exec-child.c
shim_libctrd_monitor_a_SOURCES += shim/control-exec.c shim/control-exec.h \
	shim/control-exec-proto.c shim/control-exec-proto.h \
	shim/stdio-detach.c shim/stdio-detach.h

shim_libctrd_daemon_a_SOURCES += shim/control-exec-rt.c

check_PROGRAMS += shim/exec-ctl
shim_exec_ctl_SOURCES = shim/control-exec-ctl.c
shim_exec_ctl_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
shim_exec_ctl_LDADD = $(MONITOR_LIBS)

UNIT_TESTS += tests/unit/test-shim-exec tests/unit/test-shim-exec-spec
tests_unit_test_shim_exec_SOURCES = tests/unit/test-shim-exec.c
tests_unit_test_shim_exec_CFLAGS = $(TEST_UNIT_CFLAGS) $(JANSSON_CFLAGS) -I$(top_srcdir)/shim
tests_unit_test_shim_exec_LDADD = $(MONITOR_LIBS) $(TEST_UNIT_LIBS)
tests_unit_test_shim_exec_spec_SOURCES = tests/unit/test-shim-exec-spec.c
tests_unit_test_shim_exec_spec_CFLAGS = $(TEST_UNIT_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_test_shim_exec_spec_LDADD = $(RUNTIME_LIBS) $(TEST_UNIT_LIBS)

INTEGRATION_TESTS += tests/integration/shim-exec.sh
