# Containers (issue 5): the Docker create body -> normalized Config/HostConfig
# -> OCI runtime spec, with the default seccomp profile and user resolution.
daemon_libctrd_engine_a_SOURCES += \
	daemon/ctr-json.c daemon/ctr-json.h \
	daemon/ctr-caps.c daemon/ctr-caps.h \
	daemon/ctr-config.c daemon/ctr-config.h daemon/ctr-config-internal.h \
	daemon/ctr-hostconfig.c daemon/ctr-resources.c daemon/ctr-dns.c \
	daemon/ctr-policies.c daemon/ctr-policies.h \
	daemon/ctr-rlimit.c daemon/ctr-rlimit.h \
	daemon/ctr-secopt.c daemon/ctr-secopt.h \
	daemon/ctr-mounts.c daemon/ctr-mounts-api.c daemon/ctr-mounts.h \
	daemon/ctr-mounts-internal.h \
	daemon/ctr-merge.c \
	daemon/ctr-seccomp-default.c daemon/ctr-seccomp-profile.c daemon/ctr-seccomp-default.h
daemon_libctrd_engine_a_SOURCES += \
	daemon/ctr-path.c daemon/ctr-path.h \
	daemon/ctr-user.c daemon/ctr-user.h \
	daemon/ctr-spec.c daemon/ctr-spec.h daemon/ctr-spec-internal.h \
	daemon/ctr-spec-mounts.c daemon/ctr-spec-linux.c daemon/ctr-devices.c \
	daemon/ctr-mounts-inspect.c

CTR_TEST_CFLAGS = $(TEST_UNIT_CFLAGS) $(JANSSON_CFLAGS)
CTR_TEST_LIBS = daemon/libctrd-engine.a lib/libctrd.a $(JANSSON_LIBS) $(CRYPTO_LIBS) \
	$(TEST_UNIT_LIBS)
EXTRA_DIST += tests/unit/ctr-bodies.h

UNIT_TESTS += tests/unit/test-ctr-config
tests_unit_test_ctr_config_SOURCES = tests/unit/test-ctr-config.c tests/unit/ctr-bodies.h
tests_unit_test_ctr_config_CFLAGS = $(CTR_TEST_CFLAGS)
tests_unit_test_ctr_config_LDADD = $(CTR_TEST_LIBS)

# The spec tests feed every generated config.json to the shim's own parser.
UNIT_TESTS += tests/unit/test-ctr-spec
tests_unit_test_ctr_spec_SOURCES = tests/unit/test-ctr-spec.c tests/unit/ctr-bodies.h
tests_unit_test_ctr_spec_CFLAGS = $(CTR_TEST_CFLAGS)
tests_unit_test_ctr_spec_LDADD = daemon/libctrd-engine.a $(RUNTIME_LIBS) $(CRYPTO_LIBS) \
	$(TEST_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-ctr-seccomp
tests_unit_test_ctr_seccomp_SOURCES = tests/unit/test-ctr-seccomp.c
tests_unit_test_ctr_seccomp_CFLAGS = $(CTR_TEST_CFLAGS) $(SECCOMP_CFLAGS)
tests_unit_test_ctr_seccomp_LDADD = daemon/libctrd-engine.a $(RUNTIME_LIBS) $(CRYPTO_LIBS) \
	$(TEST_UNIT_LIBS)

UNIT_TESTS += tests/unit/test-ctr-user
tests_unit_test_ctr_user_SOURCES = tests/unit/test-ctr-user.c
tests_unit_test_ctr_user_CFLAGS = $(CTR_TEST_CFLAGS)
tests_unit_test_ctr_user_LDADD = $(CTR_TEST_LIBS)

# Real containers from Docker-shaped bodies: ctr-mkspec writes the spec,
# ctrd-shim runs it, the test checks what the container sees.
check_PROGRAMS += tests/helpers/ctr-mkspec
tests_helpers_ctr_mkspec_SOURCES = tests/helpers/ctr-mkspec.c
tests_helpers_ctr_mkspec_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_helpers_ctr_mkspec_LDADD = daemon/libctrd-engine.a lib/libctrd.a $(JANSSON_LIBS) \
	$(CRYPTO_LIBS)
INTEGRATION_TESTS += tests/integration/ctr-spec-run.sh
