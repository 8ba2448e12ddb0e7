# POST /containers/{id}/pause|unpause, GET /containers/{id}/top and /stats.
api_libctrd_api_a_SOURCES += api/handlers-containers-ops.c

INTEGRATION_TESTS += tests/integration/containers-ops.sh
