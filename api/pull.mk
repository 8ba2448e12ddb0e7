# Pulling from registries (issue 8).
api_libctrd_api_a_SOURCES += \
	api/handlers-images-pull.c api/handlers-images-pull.h
