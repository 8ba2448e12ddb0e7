# Networking (issue 7): netns files, netlink (libmnl), IPAM, the bridge
# driver, published ports, /etc/hosts name resolution.
daemon_libctrd_engine_a_SOURCES += \
	daemon/net.h daemon/net-internal.h \
	daemon/net-addr.c daemon/net-addr.h \
	daemon/net-link.c daemon/net-link.h \
	daemon/net-netns.c daemon/net-netns.h \
	daemon/net-networks.c daemon/net-inspect.c \
	daemon/net-bridge.c daemon/net-container.c daemon/net-connect.c daemon/net-settings.c \
	daemon/net-hosts.c daemon/net-restore.c daemon/net-masq.c \
	daemon/net-ports.c daemon/net-proxy.c daemon/net-proxy-udp.c daemon/net-proxy.h
daemon_libctrd_engine_a_CFLAGS += $(MNL_CFLAGS)

UNIT_TESTS += tests/unit/test-net-ipam
tests_unit_test_net_ipam_SOURCES = tests/unit/test-net-ipam.c
tests_unit_test_net_ipam_CFLAGS = $(TEST_UNIT_CFLAGS) $(SQLITE_CFLAGS)
tests_unit_test_net_ipam_LDADD = daemon/libctrd-engine.a store/libctrd-store.a lib/libctrd.a \
	$(SQLITE_LIBS) $(JANSSON_LIBS) $(TEST_UNIT_LIBS)

INTEGRATION_TESTS += tests/integration/net-bridge.sh tests/integration/net-ipam.sh \
	tests/integration/net-ctl.sh
EXTRA_DIST += tests/integration/net-lib.sh

# A static UDP echo server the net-ports test runs inside a busybox container.
check_PROGRAMS += tests/helpers/net-udp-echo
tests_helpers_net_udp_echo_SOURCES = tests/helpers/net-udp-echo.c
tests_helpers_net_udp_echo_CFLAGS = -O2 -Wall -Wextra
tests_helpers_net_udp_echo_LDFLAGS = -static
