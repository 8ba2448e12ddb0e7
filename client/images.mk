# ctrctl's image verbs (issue 4).
client_ctrctl_SOURCES += client/cmd-images.c client/cmd-images.h
