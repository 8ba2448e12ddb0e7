/*
 * ctr-mkspec: writes the config.json ctrd would write for a create body, so
 * integration tests can run real containers from Docker-shaped input
 * through ctrd-shim without the rest of the daemon.
 *
 *   ctr-mkspec BODY.json IMAGE-CONFIG.json|- ROOTFS ID CGROUPS-PATH [ETC-DIR]
 *
 * ETC-DIR, when given, holds hostname, hosts and resolv.conf to bind-mount.
 * Prints config.json on stdout; a validation or build error goes to stderr
 * (exit 2 for a 400-type error, 1 otherwise).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/ctr-config.h"
#include "daemon/ctr-spec.h"

static json_t *load(const char *path) {
        json_error_t jerr;
        json_t *j = json_load_file(path, 0, &jerr);
        if (!j)
                fprintf(stderr, "ctr-mkspec: %s: %s\n", path, jerr.text);
        return j;
}

int main(int argc, char **argv) {
        struct ctrd_error err = { 0 };
        json_t *config = NULL, *host = NULL, *spec = NULL, *img = NULL;
        char hostname[512], hosts[512], resolv[512];

        if (argc < 6 || argc > 7) {
                fprintf(stderr, "usage: ctr-mkspec BODY IMAGE-CONFIG|- ROOTFS ID CGROUPS-PATH "
                                "[ETC-DIR]\n");
                return 1;
        }
        json_t *body = load(argv[1]);
        if (!body || (strcmp(argv[2], "-") != 0 && !(img = load(argv[2]))))
                return 1;
        struct ctr_spec_input in = { .id = argv[4], .rootfs = argv[3], .cgroups_path = argv[5] };
        if (argc == 7) {
                snprintf(hostname, sizeof(hostname), "%s/hostname", argv[6]);
                snprintf(hosts, sizeof(hosts), "%s/hosts", argv[6]);
                snprintf(resolv, sizeof(resolv), "%s/resolv.conf", argv[6]);
                in.hostname_path = hostname;
                in.hosts_path = hosts;
                in.resolv_path = resolv;
        }
        int r = ctr_config_validate(body, &config, &host, &err);
        if (r >= 0)
                r = ctr_config_merge_image(config, img, &err);
        if (r >= 0)
                r = ctr_spec_build(config, host, &in, &spec, &err);
        if (r < 0) {
                fprintf(stderr, "%s\n", err.msg);
                return r == -EINVAL ? 2 : 1;
        }
        json_dumpf(spec, stdout, JSON_INDENT(1));
        putchar('\n');
        json_decref(spec);
        json_decref(config);
        json_decref(host);
        json_decref(img);
        json_decref(body);
        return 0;
}
