# Unit tests (cmocka, TAP output) are programs; integration tests are shell
# scripts that start real daemons and containers (exit 77 = skipped).
TEST_EXTENSIONS = .sh
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	CMOCKA_MESSAGE_OUTPUT=TAP; export CMOCKA_MESSAGE_OUTPUT; \
	CTRD_BUILDDIR='$(abs_top_builddir)'; export CTRD_BUILDDIR; \
	CTRD_SRCDIR='$(abs_top_srcdir)'; export CTRD_SRCDIR;

TEST_UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
TEST_UNIT_LIBS = $(CMOCKA_LIBS)

if HAVE_CMOCKA
check_PROGRAMS += $(UNIT_TESTS)
TESTS = $(UNIT_TESTS) $(INTEGRATION_TESTS)
else
TESTS = tests/no-cmocka.sh $(INTEGRATION_TESTS)
endif

EXTRA_DIST += tests/no-cmocka.sh tests/integration/lib.sh $(INTEGRATION_TESTS)

INTEGRATION_TESTS += \
	tests/integration/daemon-api.sh \
	tests/integration/daemon-lifecycle.sh \
	tests/integration/systemd-units.sh \
	tests/integration/containers-basic.sh \
	tests/integration/containers-restart.sh \
	tests/integration/containers-events.sh \
	tests/integration/containers-limits.sh \
	tests/integration/docker-cli.sh \
	tests/integration/docker-py.sh \
	tests/integration/ctl-interactive.sh
