# ctrctl's registry verbs (issue 8).
client_ctrctl_SOURCES += client/cmd-pull.c
