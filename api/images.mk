# The image endpoints (issue 4).
api_libctrd_api_a_SOURCES += \
	api/handlers-images.c api/handlers-images.h \
	api/handlers-images-transfer.c
