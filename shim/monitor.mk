# The shim's daemon mode: monitor, stdio, logs, control socket, exit file.
