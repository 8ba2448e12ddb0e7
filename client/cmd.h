/* ctrctl's verbs: one cmd-*.c per resource, all listed in client/commands.c. */
#pragma once

#include <stddef.h>

#include "http.h"

/* A verb's entry point: argv[0] is the verb. Returns the process exit code. */
typedef int (*ctl_command_fn)(struct ctl_client *c, int argc, char *argv[]);

struct ctl_command {
        const char *name;               /* "version", "images", "image inspect" */
        ctl_command_fn run;
        const char *summary;
};

extern const struct ctl_command ctl_commands[];
extern const size_t ctl_commands_count;

/* cmd-system.c */
int ctl_cmd_version(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_info(struct ctl_client *c, int argc, char *argv[]);
