# Networks, endpoints and IPAM (issue 7).
store_libctrd_store_a_SOURCES += store/networks.c store/networks.h store/ipam.c
