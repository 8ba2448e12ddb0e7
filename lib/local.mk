noinst_LIBRARIES += lib/libctrd.a
lib_libctrd_a_SOURCES = \
	lib/cleanup.h lib/macro.h \
	lib/error.c lib/error.h \
	lib/log.c lib/log.h \
	lib/fs-util.c lib/fs-util.h \
	lib/string-util.c lib/string-util.h \
	lib/shim-client.c lib/shim-client.h \
	lib/timefmt.c lib/timefmt.h \
	lib/human-duration.c lib/human-duration.h

UNIT_TESTS += tests/unit/test-lib
tests_unit_test_lib_SOURCES = tests/unit/test-lib.c
tests_unit_test_lib_CFLAGS = $(TEST_UNIT_CFLAGS)
tests_unit_test_lib_LDADD = lib/libctrd.a $(TEST_UNIT_LIBS)
