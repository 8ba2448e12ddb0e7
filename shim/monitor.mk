# The shim's daemon mode: monitor, stdio, logs, control socket, exit file.
# Built as an archive so ctrd-shim pulls it in only through shim_daemon_main,
# and so tests can link the monitor against a fake runtime.
noinst_LIBRARIES += shim/libctrd-monitor.a
shim_libctrd_monitor_a_SOURCES = \
	shim/daemon.c shim/daemon.h
shim_libctrd_monitor_a_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)

# The runtime libraries come again after the monitor so its rt_* calls resolve.
shim_ctrd_shim_LDADD += shim/libctrd-monitor.a $(RUNTIME_LIBS)
