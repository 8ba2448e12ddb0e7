/*
 * `ctrd-shim daemon ...`: the resident monitor of one container (the role
 * conmon plays for podman). It detaches from its starter, starts the
 * container through the runtime, holds its stdio, writes the json-file log,
 * serves the control socket in the run dir and writes the exit file.
 * The protocol is documented in docs/shim-protocol.md.
 */
#pragma once

/* argv[0] is "daemon"; returns the process exit code. */
int shim_daemon_main(int argc, char *argv[]);
