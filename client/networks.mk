# ctrctl network ... and port (issue 7).
client_ctrctl_SOURCES += client/cmd-networks.c
