#include "cmd.h"
#include "cmd-images.h"

#include "macro.h"

/* Two-word names ("image inspect") are matched before one-word ones. */
const struct ctl_command ctl_commands[] = {
        { "version", ctl_cmd_version, "Show the ctrctl and ctrd versions" },
        { "info", ctl_cmd_info, "Show system-wide information" },
        CTL_IMAGE_COMMANDS,
        { "pull", ctl_cmd_pull, "Download an image from a registry" },
        { "image pull", ctl_cmd_pull, "Download an image from a registry" },
        { "run", ctl_cmd_run, "Create and run a new container from an image" },
        { "create", ctl_cmd_create, "Create a new container" },
        { "start", ctl_cmd_start, "Start one or more stopped containers" },
        { "stop", ctl_cmd_stop, "Stop one or more running containers" },
        { "kill", ctl_cmd_kill, "Kill one or more running containers" },
        { "restart", ctl_cmd_restart, "Restart one or more containers" },
        { "rm", ctl_cmd_rm, "Remove one or more containers" },
        { "pause", ctl_cmd_pause, "Pause all processes within one or more containers" },
        { "unpause", ctl_cmd_unpause, "Unpause all processes within one or more containers" },
        { "wait", ctl_cmd_wait, "Block until containers stop, then print their exit codes" },
        { "rename", ctl_cmd_rename, "Rename a container" },
        { "ps", ctl_cmd_ps, "List containers" },
        { "logs", ctl_cmd_logs, "Fetch the logs of a container" },
        { "inspect", ctl_cmd_inspect, "Return low-level information on containers or images" },
        { "top", ctl_cmd_top, "Display the running processes of a container" },
        { "stats", ctl_cmd_stats, "Display a live stream of container resource usage" },
        { "events", ctl_cmd_events, "Get real time events from the server" },
        { "container run", ctl_cmd_run, "Create and run a new container from an image" },
        { "container create", ctl_cmd_create, "Create a new container" },
        { "container start", ctl_cmd_start, "Start one or more stopped containers" },
        { "container stop", ctl_cmd_stop, "Stop one or more running containers" },
        { "container kill", ctl_cmd_kill, "Kill one or more running containers" },
        { "container restart", ctl_cmd_restart, "Restart one or more containers" },
        { "container rm", ctl_cmd_rm, "Remove one or more containers" },
        { "container remove", ctl_cmd_rm, "Remove one or more containers" },
        { "container pause", ctl_cmd_pause, "Pause all processes within one or more containers" },
        { "container unpause", ctl_cmd_unpause, "Unpause all processes within one or more containers" },
        { "container wait", ctl_cmd_wait, "Block until containers stop, then print their exit codes" },
        { "container rename", ctl_cmd_rename, "Rename a container" },
        { "container ls", ctl_cmd_ps, "List containers" },
        { "container list", ctl_cmd_ps, "List containers" },
        { "container ps", ctl_cmd_ps, "List containers" },
        { "container logs", ctl_cmd_logs, "Fetch the logs of a container" },
        { "container inspect", ctl_cmd_container_inspect, "Display detailed information on containers" },
        { "container top", ctl_cmd_top, "Display the running processes of a container" },
        { "container stats", ctl_cmd_stats, "Display a live stream of container resource usage" },
        { "container prune", ctl_cmd_container_prune, "Remove all stopped containers" },
};

const size_t ctl_commands_count = ARRAY_SIZE(ctl_commands);
