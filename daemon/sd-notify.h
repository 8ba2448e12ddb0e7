/* systemd's readiness protocol without libsystemd: one datagram to $NOTIFY_SOCKET. */
#pragma once

/* Sends state (e.g. "READY=1"); a no-op returning 0 when not run by systemd. */
int sd_notify_send(const char *state);
