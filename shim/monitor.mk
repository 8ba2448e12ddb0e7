# The shim's daemon mode: monitor, stdio, logs, control socket, exit file.
# Built as an archive so tests can link the monitor without the runtime.
noinst_LIBRARIES += shim/libctrd-monitor.a
shim_libctrd_monitor_a_SOURCES = \
	shim/monitor-args.c shim/monitor-args.h \
	shim/sync-report.c shim/sync-report.h \
	shim/exec-helper-msg.c shim/exec-helper-msg.h \
	shim/monitor-core.c shim/monitor-core.h \
	shim/monitor-exit.c shim/monitor-exit.h \
	shim/monitor-loop.c shim/monitor-loop.h \
	shim/monitor-signal.c shim/monitor-signal.h \
	shim/control-proto.c shim/control-proto.h \
	shim/control-server.c shim/control-server.h \
	shim/control-ops.c shim/control-ops.h \
	shim/logfile-json.c shim/logfile-json.h \
	shim/logfile-split.c shim/logfile-split.h \
	shim/logfile-writer.c shim/logfile-writer.h \
	shim/stdio-attach.c shim/stdio-attach.h \
	shim/stdio-buf.c shim/stdio-buf.h \
	shim/stdio-frame.c shim/stdio-frame.h \
	shim/stdio-pump.c shim/stdio-pump.h
shim_libctrd_monitor_a_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)

# `ctrd-shim daemon` (the start and the handover) and `ctrd-shim exec-helper`:
# an archive so monitor-fakert links them over its fake runtime.
noinst_LIBRARIES += shim/libctrd-daemon.a
shim_libctrd_daemon_a_SOURCES = shim/daemon.c shim/daemon.h shim/exec-helper.c shim/exec-helper.h
shim_libctrd_daemon_a_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)

# The runtime libraries come again after the monitor so its rt_* calls resolve.
shim_ctrd_shim_LDADD += shim/libctrd-daemon.a shim/libctrd-monitor.a $(RUNTIME_LIBS)

MONITOR_LIBS = shim/libctrd-monitor.a shim/runtime/libctrd-cgroup.a lib/libctrd.a $(JANSSON_LIBS)

# The resident monitor ctrd-shim daemon execs: no runtime, static unless
# configure found that impossible (docs/shim-protocol.md, "The handover").
pkglibexec_PROGRAMS += shim/ctrd-shim-monitor
shim_ctrd_shim_monitor_SOURCES = shim/monitor-main.c shim/monitor-exec.c shim/monitor-exec.h
shim_ctrd_shim_monitor_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
shim_ctrd_shim_monitor_LDFLAGS = $(AM_LDFLAGS) $(MONITOR_LDFLAGS)
shim_ctrd_shim_monitor_LDADD = $(MONITOR_LIBS)

# Test programs: the daemon mode over a fake runtime, and a control-socket client.
check_PROGRAMS += shim/monitor-fakert shim/monitor-ctl
shim_monitor_fakert_SOURCES = shim/monitor-fakert.c
shim_monitor_fakert_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
shim_monitor_fakert_LDADD = shim/libctrd-daemon.a $(MONITOR_LIBS)
shim_monitor_ctl_SOURCES = shim/monitor-ctl.c
shim_monitor_ctl_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
shim_monitor_ctl_LDADD = $(MONITOR_LIBS)

UNIT_TESTS += tests/unit/test-shim-logfile
tests_unit_test_shim_logfile_SOURCES = tests/unit/test-shim-logfile.c
tests_unit_test_shim_logfile_CFLAGS = $(TEST_UNIT_CFLAGS) $(JANSSON_CFLAGS) -I$(top_srcdir)/shim
tests_unit_test_shim_logfile_LDADD = $(MONITOR_LIBS) $(TEST_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-shim-control
tests_unit_test_shim_control_SOURCES = tests/unit/test-shim-control.c
tests_unit_test_shim_control_CFLAGS = $(TEST_UNIT_CFLAGS) $(JANSSON_CFLAGS) -I$(top_srcdir)/shim
tests_unit_test_shim_control_LDADD = $(MONITOR_LIBS) $(TEST_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-shim-monitor
tests_unit_test_shim_monitor_SOURCES = tests/unit/test-shim-monitor.c
tests_unit_test_shim_monitor_CFLAGS = $(TEST_UNIT_CFLAGS) $(JANSSON_CFLAGS) -I$(top_srcdir)/shim
tests_unit_test_shim_monitor_LDADD = $(MONITOR_LIBS) $(TEST_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-shim-handover
tests_unit_test_shim_handover_SOURCES = tests/unit/test-shim-handover.c
tests_unit_test_shim_handover_CFLAGS = $(TEST_UNIT_CFLAGS) $(JANSSON_CFLAGS) -I$(top_srcdir)/shim
tests_unit_test_shim_handover_LDADD = $(MONITOR_LIBS) $(TEST_UNIT_LIBS)

INTEGRATION_TESTS += tests/integration/monitor-fakert.sh
INTEGRATION_TESTS += tests/integration/monitor-busybox.sh
INTEGRATION_TESTS += tests/integration/monitor-handover.sh
