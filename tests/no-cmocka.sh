#!/bin/sh
# Configure did not find cmocka, so the unit tests were not built: fail loudly.
echo "cmocka is missing, unit tests not built: apt-get install libcmocka-dev and re-run ./configure" >&2
exit 1
