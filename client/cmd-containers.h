/* Helpers shared by ctrctl's container verbs (cmd-create.c, cmd-run.c, cmd-containers.c, ...). */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "http.h"
#include "macro.h"

/* docker's exit status for its own failures (bad flags, daemon errors) in run/create/start. */
#define CTL_EXIT_DOCKER 125

/* Appends "?key=value" or "&key=value" (value URL-encoded) to *path. */
int ctl_path_add_query(struct ctl_client *c, char **path, const char *key, const char *value);

/* "/containers/<name, encoded><suffix>"; suffix "" or "/start" etc. Heap result. */
char *ctl_container_path(struct ctl_client *c, const char *name, const char *suffix);

/*
 * Sends a body-less request; returns the HTTP status, or -errno when no
 * answer came (the transport error is printed). A 2xx body, when wanted, is
 * parsed into *ret_json; an error status prints the daemon's message.
 */
int ctl_call(struct ctl_client *c, const char *method, const char *path, json_t *body,
             json_t **ret_json);

/* Prints "Usage: ..." help text for a verb: usage line, summary, then options. */
void ctl_usage(const char *usage, const char *summary, const char *options);

/* One-line error for a flag getopt refused (argv[optind - 1], or the option letter). */
void ctl_bad_flag(const char *verb, int optopt_char, char *argv[], int optind_now);

/*
 * run and create: parses the container flags, the image and the command of
 * argv (verb is "run" or "create"; only run takes -d) into the create body.
 * Returns 0 (o->help set when --help was printed), or an exit code > 0 after
 * printing why. The caller frees o->body.
 */
struct ctl_create_opts {
        json_t *body;                   /* the POST /containers/create body */
        const char *name;               /* --name, or NULL */
        bool detach;                    /* run -d */
        bool auto_remove;               /* run --rm */
        bool help;                      /* --help was given and printed */
        const char *pull;               /* --pull: "missing" (default), "always" or "never" */
        bool interactive;               /* -i: our stdin goes to the container */
        bool tty;                       /* -t: the container gets a terminal */
};

int ctl_create_parse(const char *verb, int argc, char *argv[], struct ctl_create_opts *o);

/*
 * Creates the container; prints warnings to stderr. A missing image is
 * pulled first (as `ctrctl pull` does, its progress on stderr) when --pull
 * allows, and the create retried, as the docker CLI does. On success
 * *ret_id is the new ID (heap). Returns 0 or the exit code to use.
 */
int ctl_create_container(struct ctl_client *c, struct ctl_create_opts *o, char **ret_id);

/* The exit code docker's CLI derives from a failed start's message (127, 126 or 125). */
int ctl_start_error_code(const char *message);
