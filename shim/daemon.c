#include "daemon.h"

#include <stdio.h>

int shim_daemon_main(int argc, char *argv[]) {
        fprintf(stderr, "ctrd-shim daemon: not implemented yet\n");
        return 2;
}
