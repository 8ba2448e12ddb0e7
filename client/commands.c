#include "cmd.h"
#include "cmd-images.h"

#include "macro.h"

/* Two-word names ("image inspect") are matched before one-word ones. */
const struct ctl_command ctl_commands[] = {
        { "version", ctl_cmd_version, "Show the ctrctl and ctrd versions" },
        { "info", ctl_cmd_info, "Show system-wide information" },
        CTL_IMAGE_COMMANDS,
};

const size_t ctl_commands_count = ARRAY_SIZE(ctl_commands);
