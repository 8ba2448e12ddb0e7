# ctrctl's registry verbs (issue 8).
client_ctrctl_SOURCES += client/cmd-pull.c client/cmd-login.c client/docker-config.c client/docker-config.h
