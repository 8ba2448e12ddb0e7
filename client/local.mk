# ctrctl: the bundled client.
bin_PROGRAMS += client/ctrctl
client_ctrctl_SOURCES = \
	client/main.c \
	client/http.c client/http.h \
	client/cmd.h client/commands.c \
	client/cmd-system.c \
	client/interactive.c client/interactive.h \
	client/cmd-exec.c
client_ctrctl_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
client_ctrctl_LDADD = lib/libctrd.a $(CURL_LIBS) $(JANSSON_LIBS)
include $(top_srcdir)/client/containers.mk
include $(top_srcdir)/client/images.mk
include $(top_srcdir)/client/pull.mk
include $(top_srcdir)/client/networks.mk
