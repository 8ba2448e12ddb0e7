/* `ctrd-shim exec-helper`: starts one exec for ctrd-shim-monitor (exec-helper.c). */
#pragma once

/* argv[0] is "exec-helper"; returns the process exit code. */
int shim_exec_helper_main(int argc, char *argv[]);
