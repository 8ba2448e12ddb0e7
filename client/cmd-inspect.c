/*
 * ctrctl inspect: the daemon's JSON for each name, as a JSON array indented
 * the way docker prints it, or one --format template per object. Without
 * --type a name is looked up as a container first, then as an image, as the
 * docker CLI does; a name found as neither is "No such object".
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cmd-containers.h"
#include "cmd.h"
#include "format.h"

struct inspect_opts {
        const char *format;
        const char *type;               /* NULL, "container" or "image" */
};

/* GET the object; 1 with *ret set when found, 0 on 404, -EIO after printing another error. */
static int fetch(struct ctl_client *c, const char *kind, const char *name, json_t **ret) {
        _cleanup_free_ char *enc = ctl_urlencode(c, name);
        _cleanup_free_ char *path = NULL;
        if (!enc || asprintf(&path, "/%ss/%s/json", kind, enc) < 0)
                return -ENOMEM;
        struct ctl_response resp;
        int r = ctl_request(c, "GET", path, NULL, &resp);
        if (r < 0)
                return r;
        if (resp.status == 404)
                r = 0;
        else
                r = ctl_response_json(&resp, ret) < 0 ? -EIO : 1;
        ctl_response_done(&resp);
        return r;
}

/* Finds name as the requested type(s); prints "No such ..." when it is nowhere. */
static int lookup(struct ctl_client *c, const struct inspect_opts *o, const char *name, json_t **ret) {
        int r = 0;
        if (!o->type || strcmp(o->type, "container") == 0)
                r = fetch(c, "container", name, ret);
        if (r == 0 && (!o->type || strcmp(o->type, "image") == 0))
                r = fetch(c, "image", name, ret);
        if (r == 0)
                fprintf(stderr, "Error: No such %s: %s\n", o->type ? o->type : "object", name);
        return r;
}

static int print_objects(json_t *found, const struct inspect_opts *o) {
        if (!o->format) {
                int r = ctl_print_json(found, JSON_INDENT(4) | JSON_PRESERVE_ORDER, stdout);
                putchar('\n');
                return r;
        }
        struct ctrd_error err = { 0 };
        const char *tmpl = strcmp(o->format, "json") == 0 ? "{{json .}}" : o->format;
        size_t i;
        json_t *obj;
        json_array_foreach(found, i, obj) {
                if (ctl_template_render(tmpl, obj, stdout, &err) < 0) {
                        ctl_error("inspect: %s", err.msg);
                        return -EINVAL;
                }
                putchar('\n');
        }
        return 0;
}

static const char inspect_help[] =
        "  -f, --format string   Format output using a custom template:\n"
        "                        'json':             Print in JSON format\n"
        "                        'TEMPLATE':         Print output using the given Go template\n"
        "      --type string     Only inspect objects of the given type (container or image)\n";

static int inspect(struct ctl_client *c, int argc, char *argv[], struct inspect_opts *o) {
        static const struct option longs[] = {
                { "format", required_argument, NULL, 'f' }, { "type", required_argument, NULL, 'T' },
                { "size", no_argument, NULL, 's' }, { "help", no_argument, NULL, 'H' }, {}
        };
        int opt;
        optind = 0;
        opterr = 0;
        while ((opt = getopt_long(argc, argv, "f:s", longs, NULL)) >= 0) {
                if (opt == 'f')
                        o->format = optarg;
                else if (opt == 'T' && !o->type && (strcmp(optarg, "container") == 0 ||
                                                    strcmp(optarg, "image") == 0))
                        o->type = optarg;
                else if (opt == 'T') {
                        ctl_error("inspect: \"%s\" is not a valid value for --type", optarg);
                        return 1;
                } else if (opt == 'H') {
                        ctl_usage("ctrctl inspect [OPTIONS] NAME|ID [NAME|ID...]",
                                  "Return low-level information on containers or images", inspect_help);
                        return 0;
                } else if (opt != 's') {
                        ctl_bad_flag("inspect", optopt, argv, optind);
                        return 1;
                }
        }
        if (optind >= argc) {
                ctl_error("\"inspect\" requires at least 1 argument (see 'ctrctl inspect --help')");
                return 1;
        }
        json_t *found = json_array();
        int rc = 0;
        for (int i = optind; i < argc; i++) {
                json_t *obj = NULL;
                int r = lookup(c, o, argv[i], &obj);
                if (r > 0)
                        json_array_append_new(found, obj);
                else
                        rc = 1;
        }
        if (print_objects(found, o) < 0)
                rc = 1;
        json_decref(found);
        return rc;
}

int ctl_cmd_inspect(struct ctl_client *c, int argc, char *argv[]) {
        struct inspect_opts o = { 0 };
        return inspect(c, argc, argv, &o);
}

int ctl_cmd_container_inspect(struct ctl_client *c, int argc, char *argv[]) {
        struct inspect_opts o = { .type = "container" };
        return inspect(c, argc, argv, &o);
}
