sbin_PROGRAMS += daemon/ctrd
daemon_ctrd_SOURCES = daemon/main.c
