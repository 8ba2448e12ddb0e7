/* ctrctl: global options, then the verb from the command table. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "log.h"

#define DEFAULT_HOST "unix:///run/ctrd/ctrd.sock"

static void help(void) {
        printf("Usage: ctrctl [OPTIONS] COMMAND [ARGS...]\n\n"
               "The client for ctrd, a container engine.\n\n"
               "Options:\n"
               "  -H, --host HOST   daemon socket (unix:///path; default $CTRD_HOST, else\n"
               "                    " DEFAULT_HOST ")\n"
               "  -D, --debug       show the HTTP exchange\n"
               "  -h, --help        show this help\n"
               "  -v, --version     show the client version\n\n"
               "Commands:\n");
        for (size_t i = 0; i < ctl_commands_count; i++)
                printf("  %-16s %s\n", ctl_commands[i].name, ctl_commands[i].summary);
}

/* Finds the verb at argv[0] (or argv[0..1] for two-word verbs); sets *words. */
static const struct ctl_command *find_command(int argc, char *argv[], int *words) {
        for (size_t i = 0; i < ctl_commands_count; i++) {
                const char *name = ctl_commands[i].name;
                const char *space = strchr(name, ' ');
                if (space && argc >= 2 && strncmp(name, argv[0], (size_t) (space - name)) == 0 &&
                    argv[0][space - name] == '\0' && strcmp(space + 1, argv[1]) == 0) {
                        *words = 2;
                        return &ctl_commands[i];
                }
        }
        for (size_t i = 0; i < ctl_commands_count; i++)
                if (strcmp(ctl_commands[i].name, argv[0]) == 0) {
                        *words = 1;
                        return &ctl_commands[i];
                }
        return NULL;
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "host", required_argument, NULL, 'H' },
                { "debug", no_argument, NULL, 'D' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'v' },
                {}
        };
        const char *host = getenv("CTRD_HOST");
        bool debug = false;
        int c;
        ctrd_log_set_ident("ctrctl");
        /* "+" stops at the verb, so verbs parse their own flags. */
        while ((c = getopt_long(argc, argv, "+H:Dhv", options, NULL)) >= 0) {
                switch (c) {
                case 'H': host = optarg; break;
                case 'D': debug = true; break;
                case 'h': help(); return 0;
                case 'v': printf("ctrctl %s\n", PACKAGE_VERSION); return 0;
                default: return 1;
                }
        }
        if (optind >= argc) {
                help();
                return 1;
        }
        int words = 0;
        const struct ctl_command *cmd = find_command(argc - optind, argv + optind, &words);
        if (!cmd) {
                ctl_error("unknown command '%s' (see ctrctl --help)", argv[optind]);
                return 1;
        }
        struct ctl_client client;
        if (ctl_client_init(&client, host && *host ? host : DEFAULT_HOST, debug) < 0)
                return 1;
        /* The verb sees itself as argv[0]; two-word verbs see their second word. */
        int first = optind + words - 1;
        optind = 1;     /* reset getopt for the verb's own parsing */
        int rc = cmd->run(&client, argc - first, argv + first);
        ctl_client_done(&client);
        return rc;
}
