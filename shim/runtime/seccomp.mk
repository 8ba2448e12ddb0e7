# The seccomp program cache (shim/runtime/seccomp-cache.c) and its tests.
shim_runtime_libctrd_runtime_a_SOURCES += shim/runtime/seccomp-cache.c shim/runtime/seccomp-cache.h

UNIT_TESTS += tests/unit/test-rt-seccomp
tests_unit_test_rt_seccomp_SOURCES = tests/unit/test-rt-seccomp.c
tests_unit_test_rt_seccomp_CFLAGS = $(TEST_UNIT_CFLAGS) $(SECCOMP_CFLAGS)
tests_unit_test_rt_seccomp_LDADD = $(RUNTIME_LIBS) $(TEST_UNIT_LIBS)
