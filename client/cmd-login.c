/*
 * ctrctl login and logout: the daemon checks the credentials (POST /auth),
 * ctrctl keeps them in Docker's config.json as the docker CLI does without a
 * credential helper, so pull and push (and the docker CLI) find them there.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cleanup.h"
#include "cmd.h"
#include "docker-config.h"
#include "fs-util.h"

#define HUB_KEY "https://index.docker.io/v1/"

/*
 * The key config.json files credentials under, as the docker CLI picks it:
 * Docker Hub's historical URL, otherwise the bare host[:port] (a scheme or a
 * path given with it is dropped), which is what pull looks up.
 */
static char *config_key(const char *server) {
        if (!server || !*server)
                return strdup(HUB_KEY);
        const char *h = server;
        if (strncmp(h, "https://", 8) == 0)
                h += 8;
        else if (strncmp(h, "http://", 7) == 0)
                h += 7;
        size_t n = strcspn(h, "/");
        if ((n == 15 && strncmp(h, "index.docker.io", n) == 0) || (n == 9 && strncmp(h, "docker.io", n) == 0) ||
            (n == 20 && strncmp(h, "registry-1.docker.io", n) == 0))
                return strdup(HUB_KEY);
        return strndup(h, n);
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
        _cleanup_free_ char *path = ctl_docker_config_path(), *pair = NULL, *enc = NULL, *text = NULL;
        struct ctrd_error err = { 0 };
        if (!path)
                return -ENOMEM;
        json_auto_t *doc = ctl_docker_config_load(path);
        json_t *auths = json_object_get(doc, "auths");
        if (!json_is_object(auths)) {
                auths = json_object();
                json_object_set_new(doc, "auths", auths);
        }
        if (!user) {
                if (json_object_del(auths, server) < 0)
                        return -ENOENT;
        } else {
                if (asprintf(&pair, "%s:%s", user, password) < 0 || !(enc = ctl_base64(CTL_B64_STD, pair, strlen(pair))))
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
        server = config_key(argc - optind == 1 ? argv[optind] : NULL);
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
        _cleanup_free_ char *server = config_key(argc > 1 ? argv[1] : NULL);
        if (!server)
                return 1;
        int r = store_auth(server, NULL, NULL);
        if (r == -ENOENT)
                printf("Not logged in to %s\n", server);
        else if (r >= 0)
                printf("Removing login credentials for %s\n", server);
        return r < 0 && r != -ENOENT ? 1 : 0;
}
