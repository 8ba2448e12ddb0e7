# ctrctl's container verbs and the helpers they share (issue 5).
client_ctrctl_SOURCES += \
	client/flags.c client/flags-mount.c client/flags-time.c client/flags.h \
	client/format.c client/format-template.c client/format-ports.c client/format.h \
	client/stream.c client/stream-demux.c client/stream-hijack.c client/stream.h

UNIT_TESTS += tests/unit/test-ctl-flags
tests_unit_test_ctl_flags_SOURCES = tests/unit/test-ctl-flags.c \
	client/flags.c client/flags-mount.c client/flags-time.c client/flags.h
tests_unit_test_ctl_flags_CFLAGS = $(TEST_UNIT_CFLAGS) $(JANSSON_CFLAGS) -I$(top_srcdir)/client
tests_unit_test_ctl_flags_LDADD = lib/libctrd.a $(JANSSON_LIBS) $(TEST_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-ctl-format
tests_unit_test_ctl_format_SOURCES = tests/unit/test-ctl-format.c \
	client/format.c client/format-template.c client/format-ports.c client/format.h
tests_unit_test_ctl_format_CFLAGS = $(TEST_UNIT_CFLAGS) $(JANSSON_CFLAGS) -I$(top_srcdir)/client
tests_unit_test_ctl_format_LDADD = lib/libctrd.a $(JANSSON_LIBS) $(TEST_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-ctl-stream
tests_unit_test_ctl_stream_SOURCES = tests/unit/test-ctl-stream.c \
	client/stream-demux.c client/stream-hijack.c client/stream.h client/http.c client/http.h
tests_unit_test_ctl_stream_CFLAGS = $(TEST_UNIT_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS) \
	-I$(top_srcdir)/client
tests_unit_test_ctl_stream_LDADD = lib/libctrd.a $(CURL_LIBS) $(JANSSON_LIBS) $(TEST_UNIT_LIBS)

client_ctrctl_SOURCES += \
	client/cmd-containers.h client/cmd-common.c \
	client/cmd-create.c client/cmd-run.c client/cmd-containers.c \
	client/cmd-ps.c client/cmd-logs.c client/cmd-inspect.c client/cmd-top.c \
	client/cmd-stats.c client/cmd-events.c

# Against a real ctrd; each skips while the daemon lacks an endpoint it needs.
INTEGRATION_TESTS += \
	tests/integration/ctl-run.sh \
	tests/integration/ctl-lifecycle.sh \
	tests/integration/ctl-ps-logs.sh \
	tests/integration/ctl-stats-events.sh
EXTRA_DIST += tests/integration/ctl-lib.sh
INTEGRATION_TESTS += tests/integration/ctl-pull.sh
