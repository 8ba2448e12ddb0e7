/* Small helpers every container verb uses: paths, one-shot calls, usage and flag errors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cmd-containers.h"

int ctl_path_add_query(struct ctl_client *c, char **path, const char *key, const char *value) {
        _cleanup_free_ char *enc = ctl_urlencode(c, value);
        if (!enc)
                return -ENOMEM;
        char *n = NULL;
        if (asprintf(&n, "%s%c%s=%s", *path, strchr(*path, '?') ? '&' : '?', key, enc) < 0)
                return -ENOMEM;
        free(*path);
        *path = n;
        return 0;
}

char *ctl_container_path(struct ctl_client *c, const char *name, const char *suffix) {
        _cleanup_free_ char *enc = ctl_urlencode(c, name);
        char *p = NULL;
        if (!enc || asprintf(&p, "/containers/%s%s", enc, suffix) < 0)
                return NULL;
        return p;
}

int ctl_call(struct ctl_client *c, const char *method, const char *path, json_t *body,
             json_t **ret_json) {
        struct ctl_response resp;
        int r = ctl_request(c, method, path, body, &resp);
        if (r < 0)
                return r;
        int status = (int) resp.status;
        if (status >= 300 && status != 304) {
                ctl_print_api_error(&resp);
        } else if (ret_json) {
                *ret_json = NULL;
                if (status != 304 && ctl_response_json(&resp, ret_json) < 0)
                        status = -EPROTO;
        }
        ctl_response_done(&resp);
        return status;
}

void ctl_usage(const char *usage, const char *summary, const char *options) {
        printf("Usage:  %s\n\n%s\n", usage, summary);
        if (options && *options)
                printf("\nOptions:\n%s", options);
}

void ctl_bad_flag(const char *verb, int optopt_char, char *argv[], int optind_now) {
        /* getopt leaves a short option's letter in optopt and a long option's word at optind - 1. */
        if (optopt_char > ' ' && optopt_char < 0x7f)
                ctl_error("%s: unknown shorthand flag or missing value: '-%c' (see 'ctrctl %s --help')",
                          verb, optopt_char, verb);
        else
                ctl_error("%s: unknown flag or missing value: %s (see 'ctrctl %s --help')", verb,
                          optind_now > 0 ? argv[optind_now - 1] : "", verb);
}

int ctl_start_error_code(const char *message) {
        /* The docker CLI's mapping of a failed start to a shell-like exit status. */
        if (strstr(message, "executable file not found") || strstr(message, "no such file or directory"))
                return 127;
        if (strstr(message, "permission denied") || strstr(message, "is a directory"))
                return 126;
        return CTL_EXIT_DOCKER;
}
