/* ctrctl version, ctrctl info. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "api/router.h"
#include "cleanup.h"
#include "cmd.h"

static const char *str(json_t *o, const char *key) {
        const char *s = json_string_value(json_object_get(o, key));
        return s ? s : "";
}

static void print_client_version(void) {
        struct utsname u;
        const char *arch = uname(&u) == 0 ? u.machine : "unknown";
        printf("Client:\n"
               " Version:           %s\n"
               " API version:       %s\n"
               " OS/Arch:           linux/%s\n", PACKAGE_VERSION, API_VERSION_STRING,
               strcmp(arch, "x86_64") == 0 ? "amd64" : arch);
}

int ctl_cmd_version(struct ctl_client *c, int argc, char *argv[]) {
        if (argc > 1) {
                ctl_error("\"version\" accepts no arguments");
                return 1;
        }
        print_client_version();
        struct ctl_response resp;
        if (ctl_request(c, "GET", "/version", NULL, &resp) < 0)
                return 1;
        json_t *v = NULL;
        int r = ctl_response_json(&resp, &v);
        ctl_response_done(&resp);
        if (r < 0)
                return 1;
        printf("\nServer: ctrd\n"
               " Engine:\n"
               "  Version:          %s\n"
               "  API version:      %s (minimum version %s)\n"
               "  OS/Arch:          %s/%s\n"
               "  Kernel Version:   %s\n",
               str(v, "Version"), str(v, "ApiVersion"), str(v, "MinAPIVersion"),
               str(v, "Os"), str(v, "Arch"), str(v, "KernelVersion"));
        json_decref(v);
        return 0;
}

static long long num(json_t *o, const char *key) {
        return json_integer_value(json_object_get(o, key));
}

int ctl_cmd_info(struct ctl_client *c, int argc, char *argv[]) {
        if (argc > 1) {
                ctl_error("\"info\" accepts no arguments");
                return 1;
        }
        struct ctl_response resp;
        if (ctl_request(c, "GET", "/info", NULL, &resp) < 0)
                return 1;
        json_t *i = NULL;
        int r = ctl_response_json(&resp, &i);
        ctl_response_done(&resp);
        if (r < 0)
                return 1;
        printf("Server:\n"
               " Containers: %lld\n"
               "  Running: %lld\n"
               "  Paused: %lld\n"
               "  Stopped: %lld\n"
               " Images: %lld\n"
               " Server Version: %s\n"
               " Storage Driver: %s\n"
               " Logging Driver: %s\n"
               " Cgroup Driver: %s\n"
               " Cgroup Version: %s\n"
               " Default Runtime: %s\n"
               " Kernel Version: %s\n"
               " Operating System: %s\n"
               " OSType: %s\n"
               " Architecture: %s\n"
               " CPUs: %lld\n"
               " Total Memory: %.2fGiB\n"
               " Name: %s\n"
               " ID: %s\n"
               " Docker Root Dir: %s\n"
               " Debug Mode: %s\n"
               " Live Restore Enabled: %s\n",
               num(i, "Containers"), num(i, "ContainersRunning"), num(i, "ContainersPaused"),
               num(i, "ContainersStopped"), num(i, "Images"), str(i, "ServerVersion"),
               str(i, "Driver"), str(i, "LoggingDriver"), str(i, "CgroupDriver"),
               str(i, "CgroupVersion"), str(i, "DefaultRuntime"), str(i, "KernelVersion"),
               str(i, "OperatingSystem"), str(i, "OSType"), str(i, "Architecture"),
               num(i, "NCPU"), (double) num(i, "MemTotal") / (1024.0 * 1024 * 1024),
               str(i, "Name"), str(i, "ID"), str(i, "DockerRootDir"),
               json_is_true(json_object_get(i, "Debug")) ? "true" : "false",
               json_is_true(json_object_get(i, "LiveRestoreEnabled")) ? "true" : "false");
        json_t *sec = json_object_get(i, "SecurityOptions");
        if (json_array_size(sec) > 0) {
                printf(" Security Options:\n");
                size_t k;
                json_t *o;
                json_array_foreach(sec, k, o)
                        printf("  %s\n", json_string_value(o) ? json_string_value(o) : "");
        }
        json_t *warnings = json_object_get(i, "Warnings");
        size_t k;
        json_t *w;
        json_array_foreach(warnings, k, w)
                fprintf(stderr, "WARNING: %s\n", json_string_value(w) ? json_string_value(w) : "");
        json_decref(i);
        return 0;
}
