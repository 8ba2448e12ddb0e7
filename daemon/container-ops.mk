# Pause/unpause, top and stats of running containers, through the shim's
# runtime ops (issue 5).
daemon_libctrd_engine_a_SOURCES += \
	daemon/container-ops.c daemon/container-ops.h \
	daemon/container-stats.c \
	daemon/container-top.c daemon/container-top.h \
	daemon/container-top-format.c

UNIT_TESTS += tests/unit/test-container-ops
tests_unit_test_container_ops_SOURCES = tests/unit/test-container-ops.c
tests_unit_test_container_ops_CFLAGS = $(TEST_UNIT_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_test_container_ops_LDADD = $(ENGINE_LIBS) $(TEST_UNIT_LIBS)

# The shim's half: cgroup usage on fake trees, the control op replies, the client.
UNIT_TESTS += tests/unit/test-container-ops-shim
tests_unit_test_container_ops_shim_SOURCES = tests/unit/test-container-ops-shim.c
tests_unit_test_container_ops_shim_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/shim/runtime \
	-I$(top_srcdir)/shim
tests_unit_test_container_ops_shim_CFLAGS = $(TEST_UNIT_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_test_container_ops_shim_LDADD = $(MONITOR_LIBS) $(RUNTIME_LIBS) $(TEST_UNIT_LIBS)
