/*
 * ctrctl pull and login: the registry verbs. The daemon talks to the
 * registry; the client only adds credentials (X-Registry-Auth, from Docker's
 * config.json, as the docker CLI does) and draws the progress: one line per
 * layer, redrawn in place on a terminal, plain status lines otherwise.
 */
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cleanup.h"
#include "cmd.h"
#include "fs-util.h"
#include "stream.h"

#define CONFIG_MAX (1024 * 1024)

#define B64_STD "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
#define B64_URL "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

/* config.json wants the standard alphabet, X-Registry-Auth the URL-safe one. */
static char *b64(const char *tbl, const char *in, size_t len) {
        char *out = malloc(4 * ((len + 2) / 3) + 1), *o = out;
        if (!out)
                return NULL;
        for (size_t i = 0; i < len; i += 3) {
                unsigned v = (unsigned char) in[i] << 16;
                if (i + 1 < len)
                        v |= (unsigned char) in[i + 1] << 8;
                if (i + 2 < len)
                        v |= (unsigned char) in[i + 2];
                *o++ = tbl[(v >> 18) & 63];
                *o++ = tbl[(v >> 12) & 63];
                *o++ = i + 1 < len ? tbl[(v >> 6) & 63] : '=';
                *o++ = i + 2 < len ? tbl[v & 63] : '=';
        }
        *o = '\0';
        return out;
}

/* $DOCKER_CONFIG/config.json, or ~/.docker/config.json. */
static char *config_path(void) {
        const char *dir = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
        char *p = NULL;
        if (dir && *dir)
                return asprintf(&p, "%s/config.json", dir) < 0 ? NULL : p;
        return asprintf(&p, "%s/.docker/config.json", home && *home ? home : "/root") < 0 ? NULL : p;
}

static json_t *load_config(const char *path) {
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        if (ctrd_read_file(path, CONFIG_MAX, &text, &len, NULL) < 0)
                return json_object();
        json_t *doc = json_loadb(text, len, 0, NULL);
        return json_is_object(doc) ? doc : (json_decref(doc), json_object());
}

/* The registry host of a reference, as Docker decides it: a first component with '.' or ':'. */
static char *registry_of(const char *ref) {
        size_t n = strcspn(ref, "/");
        if (ref[n] == '/' && (memchr(ref, '.', n) || memchr(ref, ':', n) || (n == 9 && strncmp(ref, "localhost", 9) == 0)))
                return strndup(ref, n);
        return strdup("docker.io");
}

/* "X-Registry-Auth: ..." from the config entry for host, or NULL when there is none. */
static char *auth_header(const char *host) {
        _cleanup_free_ char *path = config_path(), *text = NULL, *hdr = NULL;
        json_auto_t *doc = path ? load_config(path) : NULL;
        json_t *auths = json_object_get(doc, "auths");
        json_t *entry = json_object_get(auths, host);
        if (!entry && strcmp(host, "docker.io") == 0)
                entry = json_object_get(auths, "https://index.docker.io/v1/");
        const char *auth = json_string_value(json_object_get(entry, "auth"));
        if (!auth)
                return NULL;
        /* Docker's AuthConfig carries "auth" (base64 user:password) as it is stored. */
        json_auto_t *ac = json_pack("{s:s, s:s}", "auth", auth, "serveraddress", host);
        text = ac ? json_dumps(ac, JSON_COMPACT) : NULL;
        _cleanup_free_ char *enc = text ? b64(B64_URL, text, strlen(text)) : NULL;
        if (text)
                explicit_bzero(text, strlen(text));
        return enc && asprintf(&hdr, "X-Registry-Auth: %s", enc) >= 0 ? TAKE_PTR(hdr) : NULL;
}

/* The progress of one pull: lines by layer id, as drawn so far. */
struct progress {
        bool tty;
        bool quiet;             /* errors only */
        char **ids;
        size_t n_ids;
        char *partial;          /* an incomplete line from the last chunk */
        size_t partial_len;
        bool failed;
};

static void bar(char *buf, size_t size, json_t *detail) {
        json_int_t cur = json_integer_value(json_object_get(detail, "current"));
        json_int_t total = json_integer_value(json_object_get(detail, "total"));
        int width = 40, fill = total > 0 ? (int) (cur * width / total) : 0;
        char b[64];
        for (int i = 0; i < width; i++)
                b[i] = i < fill ? '=' : i == fill ? '>' : ' ';
        b[width] = '\0';
        snprintf(buf, size, "[%s] %.1fMB/%.1fMB", b, (double) cur / 1e6, (double) total / 1e6);
}

/* On a terminal, a layer's line is redrawn where it was first printed. */
static void draw(struct progress *p, const char *id, const char *text) {
        size_t i = 0;
        while (i < p->n_ids && strcmp(p->ids[i], id) != 0)
                i++;
        if (i == p->n_ids) {
                char **n = reallocarray(p->ids, p->n_ids + 1, sizeof(char *));
                if (!n || !(n[p->n_ids] = strdup(id)))
                        return;
                p->ids = n;
                p->n_ids++;
                printf("%s: %s\n", id, text);
                return;
        }
        size_t up = p->n_ids - i;
        printf("\033[%zuA\r\033[2K%s: %s\033[%zuB\r", up, id, text, up);
}

static void show(struct progress *p, json_t *m) {
        const char *err = json_string_value(json_object_get(json_object_get(m, "errorDetail"), "message"));
        const char *status = json_string_value(json_object_get(m, "status"));
        const char *id = json_string_value(json_object_get(m, "id"));
        if (err) {
                fprintf(stderr, "%s\n", err);
                p->failed = true;
                return;
        }
        if (!status || p->quiet)
                return;
        /* Downloading and Pushing lines carry a byte count: a bar on a terminal, nothing otherwise. */
        bool downloading = json_integer_value(json_object_get(json_object_get(m, "progressDetail"),
                                                              "total")) > 0;
        if (!id || strncmp(status, "Pulling from", 12) == 0 || strchr(id, ':')) {
                printf(id ? "%2$s: %1$s\n" : "%s\n", status, id);
        } else if (p->tty) {
                char text[160];
                if (downloading) {
                        char b[120];
                        bar(b, sizeof(b), json_object_get(m, "progressDetail"));
                        snprintf(text, sizeof(text), "%s %s", status, b);
                } else {
                        snprintf(text, sizeof(text), "%s", status);
                }
                draw(p, id, text);
        } else if (!downloading) {
                printf("%s: %s\n", id, status);
        }
        fflush(stdout);
}

static int on_data(void *userdata, const char *data, size_t len) {
        struct progress *p = userdata;
        char *buf = realloc(p->partial, p->partial_len + len + 1);
        if (!buf)
                return -ENOMEM;
        memcpy(buf + p->partial_len, data, len);
        p->partial = buf;
        p->partial_len += len;
        buf[p->partial_len] = '\0';
        char *line = buf, *nl;
        while ((nl = strchr(line, '\n'))) {
                json_t *m = json_loadb(line, (size_t) (nl - line), 0, NULL);
                if (m)
                        show(p, m);
                json_decref(m);
                line = nl + 1;
        }
        p->partial_len = strlen(line);
        memmove(buf, line, p->partial_len + 1);
        return 0;
}

/* POSTs path with the credentials for ref's registry and shows the progress stream. */
static int transfer(struct ctl_client *c, const char *path, const char *ref, bool quiet) {
        _cleanup_free_ char *host = registry_of(ref);
        _cleanup_free_ char *auth = host ? auth_header(host) : NULL;
        struct progress p = { .tty = !quiet && isatty(STDOUT_FILENO), .quiet = quiet };
        struct ctl_stream s = { 0 };
        int r = ctl_stream_open(c, &s, "POST", path, NULL, on_data, &p);
        if (r >= 0 && auth) {
                s.headers = curl_slist_append(s.headers, auth);
                curl_easy_setopt(s.curl, CURLOPT_HTTPHEADER, s.headers);
        }
        if (r >= 0)
                r = ctl_stream_run(&s);
        if (auth)
                explicit_bzero(auth, strlen(auth));
        ctl_stream_close(&s);
        for (size_t i = 0; i < p.n_ids; i++)
                free(p.ids[i]);
        free(p.ids);
        free(p.partial);
        if (r >= 0 && !p.failed && quiet)
                printf("%s\n", ref);
        return r < 0 || p.failed ? 1 : 0;
}

static int do_pull(struct ctl_client *c, const char *ref, const char *platform, bool quiet) {
        _cleanup_free_ char *path = NULL, *eref = ctl_urlencode(c, ref);
        _cleanup_free_ char *eplat = platform ? ctl_urlencode(c, platform) : NULL;
        if (!eref || asprintf(&path, "/images/create?fromImage=%s%s%s", eref,
                              eplat ? "&platform=" : "", eplat ? eplat : "") < 0)
                return 1;
        return transfer(c, path, ref, quiet);
}

int ctl_cmd_pull(struct ctl_client *c, int argc, char *argv[]) {
        optind = 0;     /* full getopt reset: options may follow operands, as in docker */
        static const struct option opts[] = {
                { "platform", required_argument, NULL, 'P' }, { "quiet", no_argument, NULL, 'q' },
                { "help", no_argument, NULL, 'h' }, {}
        };
        const char *platform = NULL;
        bool quiet = false;
        int o;
        while ((o = getopt_long(argc, argv, "qh", opts, NULL)) >= 0) {
                if (o == 'P')
                        platform = optarg;
                else if (o == 'q')
                        quiet = true;
                else {
                        printf("Usage: ctrctl pull [-q] [--platform OS/ARCH[/VARIANT]] NAME[:TAG|@DIGEST]\n");
                        return o == 'h' ? 0 : 1;
                }
        }
        if (argc - optind != 1) {
                ctl_error("\"pull\" requires exactly 1 argument");
                return 1;
        }
        return do_pull(c, argv[optind], platform, quiet);
}

/* One line from stdin without its newline; without echo for a password on a terminal. */
static char *read_line(const char *prompt, bool secret) {
        struct termios old, quiet;
        bool tty = isatty(STDIN_FILENO);
        char *line = NULL;
        size_t cap = 0;
        if (tty && prompt) {
                fputs(prompt, stdout);
                fflush(stdout);
        }
        bool hide = tty && secret && tcgetattr(STDIN_FILENO, &old) == 0;
        if (hide) {
                quiet = old;
                quiet.c_lflag &= ~(tcflag_t) ECHO;
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        }
        ssize_t n = getline(&line, &cap, stdin);
        if (hide) {
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
                putchar('\n');
        }
        if (n < 0) {
                free(line);
                return NULL;
        }
        line[strcspn(line, "\r\n")] = '\0';
        return line;
}

/* Writes auths[server] = {"auth": base64(user:password)} (or removes it) in config.json, mode 0600. */
static int store_auth(const char *server, const char *user, const char *password) {
        _cleanup_free_ char *path = config_path(), *pair = NULL, *enc = NULL, *text = NULL;
        struct ctrd_error err = { 0 };
        if (!path)
                return -ENOMEM;
        json_auto_t *doc = load_config(path);
        json_t *auths = json_object_get(doc, "auths");
        if (!json_is_object(auths)) {
                auths = json_object();
                json_object_set_new(doc, "auths", auths);
        }
        if (!user) {
                if (json_object_del(auths, server) < 0)
                        return -ENOENT;
        } else {
                if (asprintf(&pair, "%s:%s", user, password) < 0 || !(enc = b64(B64_STD, pair, strlen(pair))))
                        return -ENOMEM;
                explicit_bzero(pair, strlen(pair));
                json_object_set_new(auths, server, json_pack("{s:s}", "auth", enc));
                explicit_bzero(enc, strlen(enc));
        }
        text = json_dumps(doc, JSON_INDENT(8));
        char *slash = strrchr(path, '/');
        if (!text)
                return -ENOMEM;
        *slash = '\0';
        int r = ctrd_mkdir_p(path, 0700, &err);
        *slash = '/';
        if (r >= 0)
                r = ctrd_write_file_atomic(path, text, strlen(text), 0600, &err);
        explicit_bzero(text, strlen(text));
        if (r < 0)
                ctl_error("%s", err.msg);
        return r;
}

static int check_login(struct ctl_client *c, const char *server, const char *user, const char *password) {
        struct ctl_response resp;
        json_auto_t *body = json_pack("{s:s, s:s, s:s}", "username", user, "password", password,
                                      "serveraddress", server);
        if (!body || ctl_request(c, "POST", "/auth", body, &resp) < 0)
                return 1;
        json_t *out = NULL;
        int r = ctl_response_json(&resp, &out);
        ctl_response_done(&resp);
        json_decref(out);
        return r < 0 ? 1 : 0;
}

int ctl_cmd_login(struct ctl_client *c, int argc, char *argv[]) {
        optind = 0;     /* full getopt reset: options may follow operands, as in docker */
        static const struct option opts[] = {
                { "username", required_argument, NULL, 'u' }, { "password", required_argument, NULL, 'p' },
                { "password-stdin", no_argument, NULL, 'S' }, { "help", no_argument, NULL, 'h' }, {}
        };
        _cleanup_free_ char *user = NULL, *password = NULL, *server = NULL;
        bool from_stdin = false;
        int o;
        while ((o = getopt_long(argc, argv, "u:p:h", opts, NULL)) >= 0) {
                if (o == 'u')
                        user = strdup(optarg);
                else if (o == 'p')
                        password = strdup(optarg);
                else if (o == 'S')
                        from_stdin = true;
                else {
                        printf("Usage: ctrctl login [-u USER] [-p PASSWORD | --password-stdin] [SERVER]\n");
                        return o == 'h' ? 0 : 1;
                }
        }
        server = argc - optind == 1 ? strdup(argv[optind]) : strdup("https://index.docker.io/v1/");
        if (!user)
                user = read_line("Username: ", false);
        if (!password)
                password = read_line(from_stdin ? NULL : "Password: ", true);
        if (!server || !user || !*user || !password) {
                ctl_error("a username and a password are needed");
                return 1;
        }
        int rc = check_login(c, server, user, password);
        if (rc == 0 && store_auth(server, user, password) == 0)
                printf("Login Succeeded\n");
        else
                rc = 1;
        explicit_bzero(password, strlen(password));
        return rc;
}

int ctl_cmd_logout(struct ctl_client *c, int argc, char *argv[]) {
        const char *server = argc > 1 ? argv[1] : "https://index.docker.io/v1/";
        int r = store_auth(server, NULL, NULL);
        if (r == -ENOENT)
                printf("Not logged in to %s\n", server);
        else if (r >= 0)
                printf("Removing login credentials for %s\n", server);
        return r < 0 && r != -ENOENT ? 1 : 0;
}

int ctl_cmd_push(struct ctl_client *c, int argc, char *argv[]) {
        optind = 0;     /* full getopt reset: options may follow operands, as in docker */
        static const struct option opts[] = {
                { "quiet", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' }, {}
        };
        bool quiet = false;
        int o;
        while ((o = getopt_long(argc, argv, "qh", opts, NULL)) >= 0) {
                if (o == 'q')
                        quiet = true;
                else {
                        printf("Usage: ctrctl push [-q] NAME[:TAG]\n");
                        return o == 'h' ? 0 : 1;
                }
        }
        if (argc - optind != 1) {
                ctl_error("\"push\" requires exactly 1 argument");
                return 1;
        }
        /* NAME[:TAG]: the tag is after the last ':' that follows the last '/'. */
        const char *ref = argv[optind], *slash = strrchr(ref, '/'), *colon = strrchr(ref, ':');
        bool tagged = colon && (!slash || colon > slash);
        _cleanup_free_ char *name = tagged ? strndup(ref, (size_t) (colon - ref)) : strdup(ref);
        /* The name goes into the path as it is (the docker CLI does the same): its '/' separate. */
        _cleanup_free_ char *etag = ctl_urlencode(c, tagged ? colon + 1 : "latest"), *path = NULL;
        if (!name || !etag || asprintf(&path, "/images/%s/push?tag=%s", name, etag) < 0)
                return 1;
        return transfer(c, path, ref, quiet);
}
