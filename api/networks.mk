# The network endpoints (issue 7).
api_libctrd_api_a_SOURCES += api/handlers-networks.c api/handlers-networks.h
