/* Signal names as Docker clients send them: "TERM", "SIGTERM", "15". */
#pragma once

/* Returns the signal number, or -EINVAL. */
int signal_from_string(const char *s);
