/* ctrctl network ls|create|inspect|rm|connect|disconnect|prune, and port. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cmd.h"
#include "error.h"

/* Sends the request; prints the daemon's error; *ret gets the JSON answer (NULL when empty). */
static int call(struct ctl_client *c, const char *method, const char *path, json_t *body,
                json_t **ret) {
        struct ctl_response resp;
        if (ctl_request(c, method, path, body, &resp) < 0)
                return -EIO;
        int r = 0;
        if (resp.status < 200 || resp.status >= 300)
                r = ctl_print_api_error(&resp);
        else if (ret)
                *ret = resp.len ? json_loads(resp.body, 0, NULL) : NULL;
        ctl_response_done(&resp);
        return r;
}

static char *net_path(struct ctl_client *c, const char *name, const char *suffix) {
        _cleanup_free_ char *enc = ctl_urlencode(c, name);
        char *p = NULL;
        if (!enc || asprintf(&p, "/networks/%s%s", enc, suffix) < 0)
                return NULL;
        return p;
}

static int cmd_ls(struct ctl_client *c, int argc, char *argv[]) {
        optind = 0;
        bool quiet = false;
        int o;
        while ((o = getopt(argc, argv, "q")) >= 0)
                if (o == 'q')
                        quiet = true;
                else
                        return 1;
        json_t *all = NULL, *n;
        size_t i;
        if (call(c, "GET", "/networks", NULL, &all) < 0)
                return 1;
        if (!quiet)
                printf("%-12s   %-20s %-10s %s\n", "NETWORK ID", "NAME", "DRIVER", "SCOPE");
        json_array_foreach(all, i, n) {
                const char *id = json_string_value(json_object_get(n, "Id"));
                if (quiet)
                        printf("%.12s\n", id ? id : "");
                else
                        printf("%.12s   %-20s %-10s %s\n", id ? id : "",
                               json_string_value(json_object_get(n, "Name")),
                               json_string_value(json_object_get(n, "Driver")),
                               json_string_value(json_object_get(n, "Scope")));
        }
        json_decref(all);
        return 0;
}

/* "k=v" into obj; false when there is no '='. */
static bool add_kv(json_t *obj, const char *s) {
        const char *eq = strchr(s, '=');
        if (!eq) {
                ctl_error("invalid key=value: %s", s);
                return false;
        }
        _cleanup_free_ char *k = strndup(s, (size_t) (eq - s));
        return k && json_object_set_new(obj, k, json_string(eq + 1)) == 0;
}

static int create_opt(int o, json_t *body, json_t *ipam) {
        switch (o) {
        case 'd': return json_object_set_new(body, "Driver", json_string(optarg));
        case 'S': return json_object_set_new(ipam, "Subnet", json_string(optarg));
        case 'G': return json_object_set_new(ipam, "Gateway", json_string(optarg));
        case 'R': return json_object_set_new(ipam, "IPRange", json_string(optarg));
        case 'I': return json_object_set_new(body, "Internal", json_true());
        case 'o': return add_kv(json_object_get(body, "Options"), optarg) ? 0 : -1;
        case 'L': return add_kv(json_object_get(body, "Labels"), optarg) ? 0 : -1;
        default: return -1;
        }
}

static int cmd_create(struct ctl_client *c, int argc, char *argv[]) {
        static const struct option opts[] = {
                { "driver", required_argument, NULL, 'd' }, { "subnet", required_argument, NULL, 'S' },
                { "gateway", required_argument, NULL, 'G' }, { "ip-range", required_argument, NULL, 'R' },
                { "internal", no_argument, NULL, 'I' }, { "opt", required_argument, NULL, 'o' },
                { "label", required_argument, NULL, 'L' }, {}
        };
        optind = 0;
        json_t *ipam = json_object();
        json_t *body = json_pack("{s:o, s:o}", "Options", json_object(), "Labels", json_object());
        int o, rc = 1;
        while ((o = getopt_long(argc, argv, "d:o:", opts, NULL)) >= 0)
                if (create_opt(o, body, ipam) < 0)
                        goto out;
        if (optind != argc - 1) {
                ctl_error("\"network create\" requires exactly 1 argument");
                goto out;
        }
        json_object_set_new(body, "Name", json_string(argv[optind]));
        if (json_object_size(ipam))
                json_object_set_new(body, "IPAM", json_pack("{s:[O]}", "Config", ipam));
        json_t *ans = NULL;
        if (call(c, "POST", "/networks/create", body, &ans) >= 0) {
                printf("%s\n", json_string_value(json_object_get(ans, "Id")));
                rc = 0;
        }
        json_decref(ans);
out:
        json_decref(ipam);
        json_decref(body);
        return rc;
}

static int cmd_inspect(struct ctl_client *c, int argc, char *argv[]) {
        if (argc < 2) {
                ctl_error("\"network inspect\" requires at least 1 argument");
                return 1;
        }
        json_t *all = json_array();
        int rc = 0;
        for (int i = 1; i < argc; i++) {
                _cleanup_free_ char *path = net_path(c, argv[i], "");
                json_t *one = NULL;
                if (path && call(c, "GET", path, NULL, &one) >= 0 && one)
                        json_array_append_new(all, one);
                else
                        rc = 1;
        }
        _cleanup_free_ char *s = json_dumps(all, JSON_INDENT(4));
        if (s)
                puts(s);
        json_decref(all);
        return rc;
}

static int cmd_rm(struct ctl_client *c, int argc, char *argv[]) {
        int rc = argc < 2;
        if (rc)
                ctl_error("\"network rm\" requires at least 1 argument");
        for (int i = 1; i < argc; i++) {
                _cleanup_free_ char *path = net_path(c, argv[i], "");
                if (path && call(c, "DELETE", path, NULL, NULL) >= 0)
                        printf("%s\n", argv[i]);
                else
                        rc = 1;
        }
        return rc;
}

static int cmd_connect(struct ctl_client *c, int argc, char *argv[], bool connect) {
        static const struct option opts[] = {
                { "alias", required_argument, NULL, 'a' }, { "ip", required_argument, NULL, 'i' },
                { "force", no_argument, NULL, 'f' }, {}
        };
        optind = 0;
        json_t *aliases = json_array(), *ipam = json_object();
        _cleanup_free_ char *path = NULL;
        int o, rc = 1;
        while ((o = getopt_long(argc, argv, "f", opts, NULL)) >= 0) {
                if (o == 'a')
                        json_array_append_new(aliases, json_string(optarg));
                else if (o == 'i')
                        json_object_set_new(ipam, "IPv4Address", json_string(optarg));
                else if (o != 'f')
                        goto out;
        }
        if (optind != argc - 2) {
                ctl_error("\"network %s\" requires exactly 2 arguments",
                          connect ? "connect" : "disconnect");
                goto out;
        }
        path = net_path(c, argv[optind], connect ? "/connect" : "/disconnect");
        json_t *body = json_pack("{s:s, s:{s:O, s:O}}", "Container", argv[optind + 1],
                                 "EndpointConfig", "Aliases", aliases, "IPAMConfig", ipam);
        if (path && body && call(c, "POST", path, body, NULL) >= 0)
                rc = 0;
        json_decref(body);
out:
        json_decref(aliases);
        json_decref(ipam);
        return rc;
}

static int cmd_prune(struct ctl_client *c, int argc, char *argv[]) {
        (void) argc;
        (void) argv;
        json_t *ans = NULL, *n;
        size_t i;
        if (call(c, "POST", "/networks/prune", NULL, &ans) < 0)
                return 1;
        json_t *gone = json_object_get(ans, "NetworksDeleted");
        if (json_array_size(gone))
                printf("Deleted Networks:\n");
        json_array_foreach(gone, i, n)
                printf("%s\n", json_string_value(n));
        json_decref(ans);
        return 0;
}

int ctl_cmd_network(struct ctl_client *c, int argc, char *argv[]) {
        const char *sub = argc > 1 ? argv[1] : "";
        if (strcmp(sub, "ls") == 0 || strcmp(sub, "list") == 0)
                return cmd_ls(c, argc - 1, argv + 1);
        if (strcmp(sub, "create") == 0)
                return cmd_create(c, argc - 1, argv + 1);
        if (strcmp(sub, "inspect") == 0)
                return cmd_inspect(c, argc - 1, argv + 1);
        if (strcmp(sub, "rm") == 0 || strcmp(sub, "remove") == 0)
                return cmd_rm(c, argc - 1, argv + 1);
        if (strcmp(sub, "connect") == 0 || strcmp(sub, "disconnect") == 0)
                return cmd_connect(c, argc - 1, argv + 1, strcmp(sub, "connect") == 0);
        if (strcmp(sub, "prune") == 0)
                return cmd_prune(c, argc - 1, argv + 1);
        ctl_error("usage: ctrctl network ls|create|inspect|rm|connect|disconnect|prune");
        return 1;
}

/* `port CONTAINER [PRIVATE[/PROTO]]`: "80/tcp -> 127.0.0.1:32768" per binding. */
int ctl_cmd_port(struct ctl_client *c, int argc, char *argv[]) {
        if (argc < 2 || argc > 3) {
                ctl_error("\"port\" requires 1 or 2 arguments");
                return 1;
        }
        _cleanup_free_ char *enc = ctl_urlencode(c, argv[1]), *path = NULL, *want = NULL;
        if (!enc || asprintf(&path, "/containers/%s/json", enc) < 0)
                return 1;
        if (argc == 3 && asprintf(&want, "%s%s", argv[2], strchr(argv[2], '/') ? "" : "/tcp") < 0)
                return 1;
        json_t *info = NULL, *list, *b;
        const char *key;
        size_t i;
        if (call(c, "GET", path, NULL, &info) < 0)
                return 1;
        json_object_foreach(json_object_get(json_object_get(info, "NetworkSettings"), "Ports"), key,
                            list) {
                if (want && strcmp(want, key) != 0)
                        continue;
                json_array_foreach(list, i, b) {
                        const char *ip = json_string_value(json_object_get(b, "HostIp"));
                        const char *port = json_string_value(json_object_get(b, "HostPort"));
                        if (want)
                                printf("%s:%s\n", ip, port);
                        else
                                printf("%s -> %s:%s\n", key, ip, port);
                }
        }
        json_decref(info);
        return 0;
}

static json_t *obj_member(json_t *parent, const char *key) {
        json_t *v = json_object_get(parent, key);
        if (!json_is_object(v)) {
                v = json_object();
                json_object_set_new(parent, key, v);
        }
        return v;
}

/* -p [ip:][host_port:]container_port[/proto] → HostConfig.PortBindings and ExposedPorts. */
int ctl_add_publish(json_t *body, const char *spec, struct ctrd_error *err) {
        _cleanup_free_ char *s = strdup(spec);
        if (!s)
                return ctrd_error_set(err, ENOMEM, "out of memory");
        char *proto = strchr(s, '/');
        if (proto)
                *proto++ = '\0';
        char *cport = strrchr(s, ':'), *hport = NULL, *ip = NULL;
        if (cport) {
                *cport++ = '\0';
                hport = strrchr(s, ':');
                if (hport) {
                        *hport++ = '\0';
                        ip = s;
                } else {
                        hport = s;
                }
        } else {
                cport = s;
        }
        if (!*cport || strspn(cport, "0123456789") != strlen(cport) ||
            (hport && strspn(hport, "0123456789") != strlen(hport)))
                return ctrd_error_set(err, EINVAL, "invalid port specification: \"%s\"", spec);
        char key[32];
        snprintf(key, sizeof(key), "%s/%s", cport, proto && *proto ? proto : "tcp");
        json_object_set_new(obj_member(body, "ExposedPorts"), key, json_object());
        json_t *bindings = obj_member(json_object_get(body, "HostConfig"), "PortBindings");
        json_t *list = json_object_get(bindings, key);
        if (!list) {
                list = json_array();
                json_object_set_new(bindings, key, list);
        }
        return json_array_append_new(list, json_pack("{s:s, s:s}", "HostIp", ip ? ip : "",
                                                     "HostPort", hport ? hport : ""));
}

/* --ip and --network-alias wait here until the network is known (ctl_endpoint_finish). */
#define PENDING_ENDPOINT "ctrctl-pending-endpoint"

int ctl_add_endpoint_setting(json_t *body, bool alias, const char *value) {
        json_t *ep = obj_member(body, PENDING_ENDPOINT);
        if (!alias)
                return json_object_set_new(ep, "IPAMConfig", json_pack("{s:s}", "IPv4Address", value));
        json_t *aliases = json_object_get(ep, "Aliases");
        if (!aliases) {
                aliases = json_array();
                json_object_set_new(ep, "Aliases", aliases);
        }
        return json_array_append_new(aliases, json_string(value));
}

void ctl_endpoint_finish(json_t *body) {
        json_t *ep = json_object_get(body, PENDING_ENDPOINT);
        if (!ep)
                return;
        const char *net = json_string_value(json_object_get(json_object_get(body, "HostConfig"),
                                                            "NetworkMode"));
        json_t *epc = obj_member(obj_member(body, "NetworkingConfig"), "EndpointsConfig");
        json_object_set(epc, net && strcmp(net, "default") != 0 ? net : "bridge", ep);
        json_object_del(body, PENDING_ENDPOINT);
}
