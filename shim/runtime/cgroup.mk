# cgroup v1/v2 drivers (see cgroup.h and docs/cgroups.md). An archive of its
# own, needing only lib/: the static ctrd-shim-monitor links it without the
# rest of the runtime (libseccomp, libcap).
noinst_LIBRARIES += shim/runtime/libctrd-cgroup.a
shim_runtime_libctrd_cgroup_a_SOURCES = \
	shim/runtime/cgroup.h shim/runtime/cgroup-internal.h \
	shim/runtime/cgroup-core.c \
	shim/runtime/cgroup-map.c \
	shim/runtime/cgroup-util.c \
	shim/runtime/cgroup-v1.c shim/runtime/cgroup-v1-mounts.c \
	shim/runtime/cgroup-v2.c \
	shim/runtime/cgroup-v2-devices.c \
	shim/runtime/cgroup-usage.c

UNIT_TESTS += tests/unit/test-rt-cgroup
tests_unit_test_rt_cgroup_SOURCES = tests/unit/test-rt-cgroup.c
tests_unit_test_rt_cgroup_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/shim/runtime
tests_unit_test_rt_cgroup_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_test_rt_cgroup_LDADD = $(RUNTIME_LIBS) $(TEST_UNIT_LIBS)

# The integration tests drive the API through this helper, one step per run.
check_PROGRAMS += tests/helpers/cgroup-probe
tests_helpers_cgroup_probe_SOURCES = tests/helpers/cgroup-probe.c
tests_helpers_cgroup_probe_LDADD = $(RUNTIME_LIBS)

INTEGRATION_TESTS += tests/integration/cgroup-lifecycle.sh tests/integration/cgroup-unified.sh

check_PROGRAMS += tests/helpers/devfilter-probe
tests_helpers_devfilter_probe_SOURCES = tests/helpers/devfilter-probe.c
tests_helpers_devfilter_probe_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/shim/runtime
tests_helpers_devfilter_probe_LDADD = $(RUNTIME_LIBS)
INTEGRATION_TESTS += tests/integration/cgroup-devices-v2.sh
