/* ctrctl top: the container's processes, as the daemon's ps reports them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cmd-containers.h"
#include "cmd.h"
#include "format.h"

/* Titles and process rows as tab-separated lines for the tabwriter. */
static char *top_table(json_t *resp) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                return NULL;
        size_t i, j;
        json_t *v, *row;
        json_array_foreach(json_object_get(resp, "Titles"), i, v)
                fprintf(f, "%s%s", i ? "\t" : "", json_string_value(v) ? json_string_value(v) : "");
        fputc('\n', f);
        json_array_foreach(json_object_get(resp, "Processes"), i, row) {
                json_array_foreach(row, j, v)
                        fprintf(f, "%s%s", j ? "\t" : "", json_string_value(v) ? json_string_value(v) : "");
                fputc('\n', f);
        }
        fclose(f);
        return buf;
}

int ctl_cmd_top(struct ctl_client *c, int argc, char *argv[]) {
        if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
                ctl_usage("ctrctl top CONTAINER [ps OPTIONS]",
                          "Display the running processes of a container", "");
                return 0;
        }
        if (argc < 2) {
                ctl_error("\"top\" requires at least 1 argument (see 'ctrctl top --help')");
                return 1;
        }
        _cleanup_free_ char *path = ctl_container_path(c, argv[1], "/top");
        _cleanup_free_ char *ps_args = NULL;
        /* Everything after the container is ps's own arguments, joined by spaces. */
        for (int i = 2; i < argc; i++) {
                char *n = NULL;
                if (asprintf(&n, "%s%s%s", ps_args ? ps_args : "", ps_args ? " " : "", argv[i]) < 0)
                        return 1;
                free(ps_args);
                ps_args = n;
        }
        if (!path || (ps_args && ctl_path_add_query(c, &path, "ps_args", ps_args) < 0))
                return 1;
        json_t *resp = NULL;
        int status = ctl_call(c, "GET", path, NULL, &resp);
        if (status < 200 || status >= 300)
                return 1;
        _cleanup_free_ char *table = top_table(resp);
        json_decref(resp);
        if (!table)
                return 1;
        ctl_tabwrite(table, stdout, 20);
        return 0;
}
