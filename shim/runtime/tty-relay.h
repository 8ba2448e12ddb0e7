/*
 * The foreground side of process.terminal for `ctrd-shim run`: our stdin goes
 * to the pty master and the master's output to our stdout, with our own
 * terminal (if stdin is one) in raw mode and its window size copied once at
 * the start (resizes later are not followed), until the container's side of
 * the pty is closed.
 */
#pragma once

#include <sys/types.h>

/* Relays until the pty hangs up; restores our terminal. */
void rt_tty_relay(int master);
