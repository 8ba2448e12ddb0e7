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

/* container verbs: cmd-run.c, cmd-create.c, cmd-containers.c, cmd-ps.c, cmd-logs.c,
 * cmd-inspect.c, cmd-top.c, cmd-stats.c, cmd-events.c */
int ctl_cmd_run(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_create(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_start(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_stop(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_kill(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_restart(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_rm(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_pause(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_unpause(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_wait(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_rename(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_container_prune(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_ps(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_logs(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_inspect(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_container_inspect(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_top(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_stats(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_events(struct ctl_client *c, int argc, char *argv[]);

/* cmd-networks.c: network verbs and port */
int ctl_cmd_network(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_port(struct ctl_client *c, int argc, char *argv[]);
/* run/create flags: -p, --ip and --network-alias (finished once --network is known) */
struct ctrd_error;
int ctl_add_publish(json_t *body, const char *spec, struct ctrd_error *err);
int ctl_add_endpoint_setting(json_t *body, bool alias, const char *value);
void ctl_endpoint_finish(json_t *body);

/* cmd-pull.c: registry verbs */
int ctl_cmd_pull(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_push(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_login(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_logout(struct ctl_client *c, int argc, char *argv[]);

/* cmd-exec.c */
int ctl_cmd_exec(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_attach(struct ctl_client *c, int argc, char *argv[]);
